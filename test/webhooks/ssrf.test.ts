import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  SSRF_BLOCKED,
  SsrfBlockedError,
  checkWebhookUrl,
  createGuardedAgents,
  isPublicAddress,
} from '../../src/domain/webhooks/ssrf';

describe('isPublicAddress', () => {
  const nonPublic = [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '240.0.0.1',
    '198.18.0.1',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'fec0::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::7f00:1',
    '64:ff9b::a00:1',
    '64:ff9b:1::808:808',
    '2002:a00:1::1',
    '2001::1',
    '2001:db8::1',
    'ff02::1',
    '[::1]',
    'example.com',
    '2130706433',
  ];
  const isPublic = [
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ];

  it.each(nonPublic)('%s is not public', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(isPublic)('%s is public', (ip) => expect(isPublicAddress(ip)).toBe(true));
});

describe('checkWebhookUrl', () => {
  const strict = { allowHttp: false, allowPrivate: false };

  it.each([
    'https://127.0.0.1/',
    'https://10.0.0.1/x',
    'https://169.254.169.254/latest',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://localhost/hook',
  ])('refuses the non-public host of %s', (url) => {
    expect(checkWebhookUrl(url, strict)).toMatch(/not a public address/);
  });

  it('refuses http unless allowed, and other schemes always', () => {
    expect(checkWebhookUrl('http://example.com/hook', strict)).toMatch(/https/);
    expect(checkWebhookUrl('http://example.com/hook', { ...strict, allowHttp: true })).toBeNull();
    expect(checkWebhookUrl('ftp://example.com/', { ...strict, allowHttp: true })).toMatch(/http/);
  });

  it('refuses long URLs, credentials and garbage', () => {
    const long = `https://example.com/${'a'.repeat(2048)}`;
    expect(checkWebhookUrl(long, strict)).toMatch(/2048/);
    expect(checkWebhookUrl('https://user:pass@example.com/', strict)).toMatch(/credentials/);
    expect(checkWebhookUrl('not a url', strict)).toMatch(/valid/);
  });

  it('accepts a public https URL, and private hosts when allowed', () => {
    expect(checkWebhookUrl('https://example.com/hook', strict)).toBeNull();
    expect(checkWebhookUrl('https://8.8.8.8:8443/hook', strict)).toBeNull();
    expect(checkWebhookUrl('https://127.0.0.1/', { ...strict, allowPrivate: true })).toBeNull();
  });
});

describe('createGuardedAgents', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function get(url: string, agent: http.Agent): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
  }

  it.each(['127.0.0.1', 'localhost'])('refuses %s without allowPrivate', async (host) => {
    const agents = createGuardedAgents({ allowPrivate: false });
    const error = await get(`http://${host}:${port}/`, agents.http).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error).toMatchObject({ code: SSRF_BLOCKED });
    // What the name resolved to must not reach the bot owner (a DNS oracle otherwise).
    expect((error as Error).message).toMatch(/not a public address/);
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|::1/);
    agents.http.destroy();
  });

  it('refuses a literal IPv4-mapped loopback address', async () => {
    const agents = createGuardedAgents({ allowPrivate: false });
    await expect(get(`http://[::ffff:127.0.0.1]:${port}/`, agents.http)).rejects.toMatchObject({
      code: SSRF_BLOCKED,
    });
    agents.http.destroy();
  });

  it.each(['127.0.0.1', 'localhost'])('reaches %s with allowPrivate', async (host) => {
    const agents = createGuardedAgents({ allowPrivate: true });
    await expect(get(`http://${host}:${port}/`, agents.http)).resolves.toBe(200);
    agents.http.destroy();
  });

  it.each(['127.0.0.1', 'localhost'])('guards the https agent too (%s)', async (host) => {
    const agents = createGuardedAgents({ allowPrivate: false });
    const request = new Promise((resolve, reject) => {
      https.get({ host, port, agent: agents.https }, resolve).on('error', reject);
    });
    await expect(request).rejects.toMatchObject({ code: SSRF_BLOCKED });
    agents.https.destroy();
  });
});
