// Photo headers read for uploads that come without Koto's mime/w/h.
import { imageInfo } from '../../src/domain/media/image-info';

describe('imageInfo', () => {
  it('reads PNG, GIF, JPEG and WebP sizes, and nothing from other bytes', () => {
    const png = Buffer.alloc(24);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(640, 16);
    png.writeUInt32BE(480, 20);
    expect(imageInfo(png)).toEqual({ mime: 'image/png', width: 640, height: 480 });

    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0x20, 0x03, 0x58, 0x02])]);
    expect(imageInfo(gif)).toEqual({ mime: 'image/gif', width: 800, height: 600 });

    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 400.
    const jpeg = Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      ...Buffer.alloc(14),
      0xff,
      0xc0,
      0x00,
      0x11,
      0x08,
      0x01,
      0x2c,
      0x01,
      0x90,
      0x03,
    ]);
    expect(imageInfo(jpeg)).toEqual({ mime: 'image/jpeg', width: 400, height: 300 });

    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(1023, 24, 3);
    webp.writeUIntLE(767, 27, 3);
    expect(imageInfo(webp)).toEqual({ mime: 'image/webp', width: 1024, height: 768 });

    expect(imageInfo(Buffer.from('plain text, not an image'))).toBeUndefined();
  });
});
