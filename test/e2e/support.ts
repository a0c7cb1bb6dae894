// tweetnacl playing the person's client: a key pair published with PUT /auth/keys, boxes
// made and opened the way a messenger app would.
import nacl from 'tweetnacl';
import type supertest from 'supertest';
import type { Platform } from '../../src/platform';
import { openSecret } from '../../src/domain/crypto/secret-box';
import { acceptInvitations, bearer, registerUser, type TestUser } from '../support/fixtures';

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

/**
 * The client's photo: the bytes sealed with secretbox under a fresh key, and the box's
 * plaintext the envelope {text, media_key, media_nonce}.
 */
export function sealPhoto(caption: string, bytes: Buffer, peerKey: string, secret: Uint8Array) {
  const key = nacl.randomBytes(32);
  const nonce = nacl.randomBytes(24);
  const data = b64(nacl.secretbox(bytes, nonce, key));
  const envelope = JSON.stringify({ text: caption, media_key: b64(key), media_nonce: b64(nonce) });
  return { ...seal(envelope, peerKey, secret), media: { data, mime: 'image/png', w: 1, h: 1 } };
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

export interface GroupMessageView {
  content: string;
  payload: {
    nonce?: string;
    sender_public_key?: string;
    keys?: Record<string, { nonce: string; box: string }>;
  };
}

/**
 * The client's group send: the text sealed once with secretbox under a random key, and that
 * key boxed for each member (`payload.keys`, by member id), the sender included.
 */
export function sealGroup(
  text: string,
  members: { id: string; public_key: string }[],
  secretKey: Uint8Array,
) {
  const messageKey = nacl.randomBytes(nacl.secretbox.keyLength);
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const keys: Record<string, { nonce: string; box: string }> = {};
  for (const m of members) {
    const n = nacl.randomBytes(nacl.box.nonceLength);
    keys[m.id] = {
      nonce: b64(n),
      box: b64(nacl.box(messageKey, n, unb64(m.public_key), secretKey)),
    };
  }
  const content = b64(nacl.secretbox(Buffer.from(text), nonce, messageKey));
  return { content, payload: { nonce: b64(nonce), keys } };
}

/** The client's group read: its entry in `payload.keys` opens the message key. */
export function unsealGroup(
  m: GroupMessageView,
  myId: string,
  secretKey: Uint8Array,
): string | null {
  const entry = m.payload.keys?.[myId];
  if (!entry || !m.payload.nonce || !m.payload.sender_public_key) return null;
  const messageKey = nacl.box.open(
    unb64(entry.box),
    unb64(entry.nonce),
    unb64(m.payload.sender_public_key),
    secretKey,
  );
  if (!messageKey) return null;
  const opened = nacl.secretbox.open(unb64(m.content), unb64(m.payload.nonce), messageKey);
  return opened && Buffer.from(opened).toString('utf8');
}

/**
 * A group of `owner`, the `people` (who accept their invitations) and `bots`; its members as
 * the messenger lists them (id, public_key).
 */
export async function groupOf(
  http: Http,
  owner: TestUser,
  people: TestUser[],
  bots: { id: string }[],
): Promise<{ chatId: string; members: { id: string; public_key: string }[] }> {
  const res = await http
    .post('/api/v1/chats')
    .set(bearer(owner))
    .send({
      type: 'group',
      title: 'Sealed',
      member_ids: people.map((p) => p.id),
      bot_ids: bots.map((b) => b.id),
    })
    .expect(201);
  const chatId = res.body.chat.id as string;
  for (const p of people) await acceptInvitations(http, p);
  const chat = await http.get(`/api/v1/chats/${chatId}`).set(bearer(owner)).expect(200);
  return { chatId, members: chat.body.chat.members };
}
