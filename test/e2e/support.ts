// tweetnacl playing the person's client: a key pair published with PUT /auth/keys, boxes
// made and opened the way a messenger app would.
import nacl from 'tweetnacl';
import type supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { openSecret } from '../../src/domain/crypto/secret-box';
import { bearer, registerUser, type TestUser } from '../support/fixtures';

type Http = ReturnType<typeof supertest>;

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
export const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export interface KeyedUser extends TestUser {
  keys: nacl.BoxKeyPair;
  publicKey: string;
}

export async function keyedUser(http: Http): Promise<KeyedUser> {
  const user = await registerUser(http);
  const keys = nacl.box.keyPair();
  await http
    .put('/api/v1/auth/keys')
    .set(bearer(user))
    .send({ public_key: b64(keys.publicKey) })
    .expect(200);
  return { ...user, keys, publicKey: b64(keys.publicKey) };
}

/** The client's send: `{content: box, payload: {nonce}}`. */
export function seal(text: string, recipientPublicKey: string, secretKey: Uint8Array) {
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const box = nacl.box(Buffer.from(text), nonce, unb64(recipientPublicKey), secretKey);
  return { content: b64(box), payload: { nonce: b64(nonce) } };
}

/** The client's read: null when it does not open. */
export function unseal(
  m: { content: string; payload: { nonce?: string } },
  peerPublicKey: string,
  secretKey: Uint8Array,
): string | null {
  if (!m.payload.nonce) return null;
  const opened = nacl.box.open(
    unb64(m.content),
    unb64(m.payload.nonce),
    unb64(peerPublicKey),
    secretKey,
  );
  return opened && Buffer.from(opened).toString('utf8');
}

/** A managed bot's secret key, as only the bot edge (GATEWAY_KEY) can open it. */
export async function managedSecret(platform: Platform, botId: string): Promise<Uint8Array> {
  const row = await platform.db.botSecretKey.findUniqueOrThrow({ where: { botId } });
  return new Uint8Array(openSecret(platform.config.GATEWAY_KEY, row.secretKeySealed));
}

export async function botPublicKey(http: Http, apiKey: string): Promise<string> {
  const me = await http.get('/api/v1/bot/me').set('x-bot-token', apiKey).expect(200);
  return me.body.bot.public_key as string;
}
