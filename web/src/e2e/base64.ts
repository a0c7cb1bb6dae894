// Standard base64 for byte arrays (what the platform's keys, nonces and boxes are written in).

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // In chunks: String.fromCharCode(...bytes) overflows the stack on large files.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
