// A webhook receiver for the Quanta bot platform in plain JavaScript: node:http and
// node:crypto only, nothing to install. Run it as it is:
//
//   WEBHOOK_SECRET=whsec_… node examples/webhook-receiver.mjs
//   WEBHOOK_PUBLIC_KEYS=whpk_…[,whpk_…] node examples/webhook-receiver.mjs
//   QUANTA_URL=http://127.0.0.1:8080 node examples/webhook-receiver.mjs   (fetches the keys)
//
// then point the bot at it: PUT /api/v1/bot/webhook {"url": "http://127.0.0.1:3000/hook"}
// (a local http URL needs WEBHOOK_ALLOW_HTTP=true and WEBHOOK_ALLOW_PRIVATE=true on the
// platform). Each delivery carries two signatures over `${webhook-id}.${webhook-timestamp}.${body}`
// in `webhook-signature`: `v1,<base64 HMAC-SHA256>` under your whsec_ secret and
// `v1a,<base64 Ed25519>` under the platform's key. Either one, checked, is enough.
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { createServer } from 'node:http';

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const TOLERANCE_SECONDS = 5 * 60;

/** `prefix` + standard base64 → bytes, or an error naming what is wrong. */
function decodeKey(value, prefix, bytes) {
  if (!value.startsWith(prefix)) throw new Error(`expected ${prefix}…, got ${value.slice(0, 8)}…`);
  const decoded = Buffer.from(value.slice(prefix.length), 'base64');
  if (bytes && decoded.length !== bytes) throw new Error(`${prefix} key must be ${bytes} bytes`);
  return decoded;
}

// An Ed25519 public key in SPKI DER form is this fixed header followed by the 32 raw bytes.
const ED25519_SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex');
const ed25519Key = (whpk) =>
  createPublicKey({
    key: Buffer.concat([ED25519_SPKI_HEADER, decodeKey(whpk, 'whpk_', 32)]),
    format: 'der',
    type: 'spki',
  });

async function loadKeys() {
  const hmacKey = process.env.WEBHOOK_SECRET
    ? decodeKey(process.env.WEBHOOK_SECRET, 'whsec_')
    : null;
  let whpks = (process.env.WEBHOOK_PUBLIC_KEYS ?? '').split(',').filter(Boolean);
  if (whpks.length === 0 && process.env.QUANTA_URL) {
    // Public: every key that currently verifies (the active one and any still in its grace period).
    const res = await fetch(new URL('/api/v1/bot/webhook/public-key', process.env.QUANTA_URL));
    whpks = (await res.json()).keys.map((k) => k.whpk);
  }
  if (!hmacKey && whpks.length === 0) {
    throw new Error('set WEBHOOK_SECRET, WEBHOOK_PUBLIC_KEYS or QUANTA_URL');
  }
  return { hmacKey, publicKeys: whpks.map(ed25519Key) };
}

/** Returns why the delivery is refused, or null when it is genuine and fresh. */
function check(headers, body, { hmacKey, publicKeys }) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return 'missing webhook-* headers';
  if (!/^\d{1,15}$/.test(timestamp)) return 'webhook-timestamp is not a number';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
    return 'webhook-timestamp is more than 5 minutes away';
  }
  // Sign the raw bytes as received: re-serialised JSON would not match.
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (!signature) continue;
    const given = Buffer.from(signature, 'base64');
    if (version === 'v1' && hmacKey) {
      const expected = createHmac('sha256', hmacKey).update(content).digest();
      if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
    }
    if (version === 'v1a' && given.length === 64) {
      if (publicKeys.some((key) => verify(null, content, key, given))) return null;
    }
  }
  return 'no valid signature';
}

const keys = await loadKeys();
const seen = new Set(); // webhook-id is the same on every retry: drop what was handled

createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/hook') return res.writeHead(404).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const refused = check(req.headers, body, keys);
    if (refused) {
      console.log(JSON.stringify({ refused }));
      return res.writeHead(401).end();
    }
    const id = req.headers['webhook-id'];
    if (!seen.has(id)) {
      seen.add(id);
      const update = JSON.parse(body.toString('utf8'));
      console.log(JSON.stringify({ accepted: id, update }));
    }
    res.writeHead(200).end();
  });
}).listen(PORT, HOST, () => console.log(`listening on http://${HOST}:${PORT}/hook`));
