// Issue 12, item 9: names are NFKC-normalised with invisible characters removed and must
// show something; a person's message cannot set server keys (is_bot) or carry buttons.
import { normalizeName } from '../../src/domain/names';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, registerUser, uniqueName, userBotChat } from '../support/fixtures';

const t = useTestPlatform();

describe('normalizeName', () => {
  it.each([
    ['\u202Eevil\u202C', 'evil'], // bidi override
    ['ad\u200Bmin\u2066\u2069', 'admin'], // zero-width space, isolates
    ['𝐀𝐝𝐦𝐢𝐧', 'Admin'], // mathematical bold: NFKC folds it
    ['ｂｏｔ', 'bot'], // fullwidth
    ['  Ann\n\tLee  ', 'Ann Lee'], // controls and runs of space
    ['\u3164Bob\uFEFF', 'Bob'], // Hangul filler, BOM
    ['👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'], // the joiner inside an emoji stays
    ['Zoë', 'Zoë'],
  ])('%j → %j', (raw, stored) => {
    expect(normalizeName(raw)).toBe(stored);
  });
});

describe('names on the wire', () => {
  const register = (display_name: string) =>
    t.current.http
      .post('/api/v1/auth/register')
      .send({ username: uniqueName(), password: 'correct horse battery staple 9', display_name });

  it('stores display names normalised, and refuses ones with nothing visible', async () => {
    const ok = await register('\u202E𝐀𝐝𝐦𝐢𝐧\u200B').expect(201);
    expect(ok.body.user.display_name).toBe('Admin');
    for (const invisible of ['\u200B\u200C\u200D', '\u202E\u202C', '\u3164', '   ']) {
      const res = await register(invisible).expect(400);
      expect(res.body.error).toMatch(/^display_name: must (contain visible text|not be empty)$/);
    }
  });

  it('normalises bot names and group titles the same way', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bot = await http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: '\u202Eｈｅｌｐｅｒ\u200D' })
      .expect(201);
    expect(bot.body.bot.name).toBe('helper');
    const blank = await http
      .post('/api/v1/bot/register')
      .set(bearer(owner))
      .send({ name: '\u2800\u200B' })
      .expect(400);
    expect(blank.body.error).toMatch(/^name: must/);
    const g = await http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: 'Team\u2067 ⁦X' })
      .expect(201);
    expect(g.body.chat.title).toBe('Team X');
    await http
      .post('/api/v1/chats')
      .set(bearer(owner))
      .send({ type: 'group', title: '\u200F\u200E' })
      .expect(400);
  });
});

describe("a person's message payload", () => {
  it.each([
    [{ is_bot: true }, 'payload.is_bot: is set by the server'],
    [{ is_bot: false }, 'payload.is_bot: is set by the server'],
    [{ via_bot: 'x' }, 'payload.via_bot: is set by the server'],
    [
      { buttons: [[{ text: 'Pay', url: 'https://example.com/phish' }]] },
      'payload.buttons: only bots may send buttons',
    ],
    [{ buttons: [] }, 'payload.buttons: only bots may send buttons'],
  ])('%j is refused: %s', async (payload, error) => {
    const { http } = t.current;
    const { user, chatId } = await userBotChat(http);
    const res = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'hi', payload })
      .expect(400);
    expect(res.body).toEqual({ error });
  });

  it('other keys pass, and bots still send buttons', async () => {
    const { http } = t.current;
    const { user, bot, chatId } = await userBotChat(http);
    const mine = await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(user))
      .send({ content: 'hi', payload: { color: 'red', thread: 'n1' } })
      .expect(201);
    expect(mine.body.message.payload).toEqual({ color: 'red', thread: 'n1' });
    const buttons = [[{ text: 'OK', callback_data: 'ok' }]];
    const theirs = await http
      .post('/api/v1/bot/send-message')
      .set(botAuth(bot))
      .send({ chat_id: chatId, content: 'pick', payload: { buttons } })
      .expect(200);
    expect(theirs.body.message.payload).toEqual({ buttons, is_bot: true });
  });
});
