// The main flows of all three APIs, replayed: every answer (successes and refusals) must
// match what the OpenAPI document says that operation answers with that status.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { openApiDocument } from '../../src/http/openapi';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerBot, registerUser, type TestUser } from '../support/fixtures';

const t = useTestPlatform();

type Json = Record<string, unknown>;
const doc = openApiDocument() as { paths: Record<string, Record<string, Json>> };
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

const templates = Object.keys(doc.paths).map((p) => ({
  p,
  re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

const seen: string[] = [];

/** Checks `res` against the document; answers `res.body` for the flow to go on with. */
function checked(res: Response): Json {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  const method = req.method.toLowerCase();
  const url = req.path.split('?')[0]!;
  const template = templates.find((x) => x.re.test(url) && doc.paths[x.p]![method]);
  expect({ operation: `${req.method} ${url}`, documented: !!template }).toEqual({
    operation: `${req.method} ${url}`,
    documented: true,
  });
  const op = doc.paths[template!.p]![method] as { responses: Record<string, Json> };
  const answer = op.responses[String(res.status)];
  expect({
    operation: `${req.method} ${template!.p}`,
    status: res.status,
    documented: !!answer,
  }).toEqual({ operation: `${req.method} ${template!.p}`, status: res.status, documented: true });
  const schema = (answer!.content as Record<string, { schema: Json }> | undefined)?.[
    'application/json'
  ]?.schema;
  if (schema) {
    const validate = ajv.compile(schema);
    const ok = validate(res.body);
    expect({
      operation: `${req.method} ${template!.p} ${res.status}`,
      errors: ok ? null : validate.errors,
    }).toEqual({ operation: `${req.method} ${template!.p} ${res.status}`, errors: null });
  }
  seen.push(`${req.method} ${template!.p} ${res.status}`);
  return res.body as Json;
}

describe('answers match the OpenAPI document', () => {
  let owner: TestUser;

  it('messenger and Quanta: accounts, bots, chats, messages, buttons, updates', async () => {
    const http = t.current.http;
    owner = await registerUser(http);
    checked(await http.get('/api/v1/auth/me').set(bearer(owner)));
    checked(
      await http.post('/api/v1/auth/login').send({ username: owner.username, password: 'nope' }),
    );
    checked(
      await http
        .post('/api/v1/auth/login')
        .send({ username: owner.username, password: owner.password }),
    );
    const bot = await registerBot(http, owner, {
      commands: [{ command: 'start', description: 'Go' }],
    });
    checked(await http.get('/api/v1/bot/my-bots').set(bearer(owner)));
    checked(await http.get('/api/v1/bot/me').set(botAuth(bot)));
    checked(
      await http
        .post('/api/v1/bot/set-commands')
        .set(botAuth(bot))
        .send({ commands: [{ command: 'help', description: 'Help' }] }),
    );
    const opened = checked(
      await http.post('/api/v1/chats').set(bearer(owner)).send({ bot_id: bot.id }),
    );
    const chatId = (opened.chat as Json).id as string;
    checked(await http.post('/api/v1/chats').set(bearer(owner)).send({ bot_id: bot.id }));
    checked(await http.get('/api/v1/chats').set(bearer(owner)));
    checked(await http.get(`/api/v1/chats/${chatId}`).set(bearer(owner)));
    checked(
      await http
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(bearer(owner))
        .send({ content: '/start' }),
    );
    checked(await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)));
    const sent = checked(
      await http
        .post('/api/v1/bot/send-message')
        .set(botAuth(bot))
        .send({
          chat_id: chatId,
          content: 'Pick one',
          payload: { buttons: [[{ text: 'Yes', callback_data: 'yes' }]] },
        }),
    );
    const messageId = sent.message_id as string;
    checked(
      await http.post('/api/v1/bot/send-message').set(botAuth(bot)).send({ chat_id: chatId }),
    );
    checked(
      await http
        .post('/api/v1/bot/send-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, content: 'x', buttons: [] }),
    );
    checked(await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(owner)));
    const tap = checked(
      await http
        .post(`/api/v1/chats/${chatId}/messages/${messageId}/callback`)
        .set(bearer(owner))
        .send({ callback_data: 'yes' }),
    );
    const updates = checked(await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)));
    expect((updates.updates as Json[]).map((u) => u.type)).toContain('callback');
    checked(
      await http
        .post('/api/v1/bot/answer-callback')
        .set(botAuth(bot))
        .send({ callback_id: tap.callback_id, text: 'Noted' }),
    );
    checked(await http.get(`/api/v1/callbacks/${String(tap.callback_id)}`).set(bearer(owner)));
    checked(await http.get('/api/v1/events?timeout=0').set(bearer(owner)));
    checked(
      await http
        .post('/api/v1/bot/edit-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, message_id: messageId, content: 'Picked' }),
    );
    checked(
      await http
        .post('/api/v1/bot/edit-reply-markup')
        .set(botAuth(bot))
        .send({ chat_id: chatId, message_id: messageId, buttons: null }),
    );
    checked(
      await http
        .post(`/api/v1/chats/${chatId}/messages/${messageId}/reactions`)
        .set(bearer(owner))
        .send({ emoji: '👍' }),
    );
    checked(
      await http
        .post('/api/v1/bot/set-reaction')
        .set(botAuth(bot))
        .send({ chat_id: chatId, message_id: messageId, emoji: '🎉' }),
    );
    checked(
      await http
        .post('/api/v1/bot/pin-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, message_id: messageId }),
    );
    checked(await http.get(`/api/v1/bot/chat?chat_id=${chatId}`).set(botAuth(bot)));
    checked(
      await http.post('/api/v1/bot/unpin-message').set(botAuth(bot)).send({ chat_id: chatId }),
    );
    checked(
      await http
        .post('/api/v1/bot/send-chat-action')
        .set(botAuth(bot))
        .send({ chat_id: chatId, action: 'typing' }),
    );
    checked(
      await http
        .post('/api/v1/bot/forward-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, content: 'again' }),
    );
    const poll = checked(
      await http
        .post('/api/v1/bot/send-poll')
        .set(botAuth(bot))
        .send({ chat_id: chatId, question: 'Tea?', options: ['Yes', 'No'] }),
    );
    checked(
      await http
        .post(`/api/v1/chats/${chatId}/polls/${String(poll.message_id)}/votes`)
        .set(bearer(owner))
        .send({ option_ids: [0] }),
    );
    const mine = checked(
      await http
        .post(`/api/v1/chats/${chatId}/messages`)
        .set(bearer(owner))
        .send({ content: 'hi' }),
    );
    const myId = (mine.message as Json).id as string;
    checked(
      await http
        .patch(`/api/v1/chats/${chatId}/messages/${myId}`)
        .set(bearer(owner))
        .send({ content: 'hello' }),
    );
    checked(await http.delete(`/api/v1/chats/${chatId}/messages/${myId}`).set(bearer(owner)));
    checked(
      await http
        .post('/api/v1/bot/delete-message')
        .set(botAuth(bot))
        .send({ chat_id: chatId, message_id: messageId }),
    );
    checked(await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)));
    checked(await http.get('/api/v1/bot/me').set({ 'x-bot-token': 'bot_nope' }));
    checked(await http.get('/api/v1/chats/not-a-chat').set(bearer(owner)));
  });

  it('groups, webhooks and key rotation', async () => {
    const http = t.current.http;
    const friend = await registerUser(http);
    const bot = await registerBot(http, owner);
    const group = checked(
      await http
        .post('/api/v1/chats')
        .set(bearer(owner))
        .send({ type: 'group', title: 'Tea club', member_ids: [friend.id] }),
    );
    const groupId = (group.chat as Json).id as string;
    checked(
      await http
        .post(`/api/v1/chats/${groupId}/members`)
        .set(bearer(owner))
        .send({ bot_id: bot.id }),
    );
    const invitations = checked(await http.get('/api/v1/invitations').set(bearer(friend)));
    const invitation = (invitations.invitations as Json[])[0]!;
    checked(
      await http.post(`/api/v1/invitations/${String(invitation.id)}/accept`).set(bearer(friend)),
    );
    checked(await http.post(`/api/v1/chats/${groupId}/leave`).set(bearer(friend)));

    checked(await http.get('/api/v1/bot/webhook').set(botAuth(bot)));
    checked(
      await http
        .put('/api/v1/bot/webhook')
        .set(botAuth(bot))
        .send({ url: 'https://example.com/hook' }),
    );
    checked(await http.get('/api/v1/bot/webhook').set(botAuth(bot)));
    checked(await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)));
    checked(await http.get('/api/v1/bot/webhook/attempts').set(botAuth(bot)));
    checked(await http.get('/api/v1/bot/webhook/public-key'));
    checked(await http.delete('/api/v1/bot/webhook').set(botAuth(bot)));
    checked(await http.post(`/api/v1/bot/${bot.id}/rotate-key`).set(bearer(owner)));
    checked(await http.delete(`/api/v1/bot/delete/${bot.id}`).set(bearer(owner)));
    checked(await http.get('/health'));
  });

  it('the gateway', async () => {
    const http = t.current.http;
    const bot = await registerBot(http, owner);
    checked(await http.post(`/gateway/bot${bot.telegramToken}/getMe`));
    checked(await http.post(`/gateway/bot${bot.telegramToken}/getUpdates`).send({ timeout: 0 }));
    checked(await http.post(`/gateway/bot${bot.telegramToken}/getMyCommands`));
    checked(await http.post(`/gateway/bot${bot.telegramToken}/sendMessage`).send({ text: 'hi' }));
    checked(await http.post('/gateway/bot1:nope/getMe'));
  });

  afterAll(() => {
    // What was checked, for a person reading the log of a failure.
    if (process.env.OPENAPI_SEEN) console.log(seen.join('\n'));
  });
});
