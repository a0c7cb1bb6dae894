// A managed bot's poll to people with keys is sealed like its text: the box holds
// {"question", "options"}, the poll's row only as many blank options (votes still name option
// ids). tweetnacl plays the people's clients; the bot reads its poll's texts in every dialect.
import supertest from 'supertest';
import { useTestPlatform } from '../support/platform';
import { bearer, botAuth, openChat, registerBot, registerUser } from '../support/fixtures';
import {
  botPublicKey,
  groupOf,
  keyedUser,
  unseal,
  unsealGroup,
  type GroupMessageView,
} from './support';

const t = useTestPlatform();

interface Shown extends GroupMessageView {
  id: string;
  poll?: { question: string; options: { id: number; text: string; voter_count: number }[] };
}

const history = async (chatId: string, who: { token: string }): Promise<Shown[]> =>
  (await t.current.http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(who)).expect(200)).body
    .messages;

describe("a managed bot's poll in an encrypted chat", () => {
  it('Quanta send-poll: the question and options are boxed, votes count by option id', async () => {
    const { http, platform } = t.current;
    const user = await keyedUser(http);
    const bot = await registerBot(http, user);
    const chatId = await openChat(http, user, bot);
    const botKey = await botPublicKey(http, bot.apiKey);
    const sent = await http
      .post('/api/v1/bot/send-poll')
      .set(botAuth(bot))
      .send({
        chat_id: chatId,
        question: 'Which secret plan?',
        options: ['Plan North', 'Plan South'],
        is_anonymous: false,
      })
      .expect(200);
    // The bot reads its poll back as it sent it.
    expect(sent.body.message).toMatchObject({
      content: 'Which secret plan?',
      payload: { encrypted: true },
      poll: {
        question: 'Which secret plan?',
        options: [{ text: 'Plan North' }, { text: 'Plan South' }],
      },
    });

    const [shown] = await history(chatId, user);
    expect(shown!.poll).toMatchObject({ question: '', options: [{ text: '' }, { text: '' }] });
    expect(JSON.parse(unseal(shown!, botKey, user.keys.secretKey)!)).toEqual({
      question: 'Which secret plan?',
      options: ['Plan North', 'Plan South'],
    });
    const rows = await platform.db.poll.findMany({ where: { messageId: shown!.id } });
    expect(rows).toMatchObject([{ question: '', options: ['', ''] }]);
    const stored = await platform.db.message.findUniqueOrThrow({
      where: { id: shown!.id },
      select: { content: true, payload: true },
    });
    expect(JSON.stringify([rows, stored])).not.toMatch(/secret plan|Plan North|Plan South/);

    const vote = await http
      .post(`/api/v1/chats/${chatId}/polls/${shown!.id}/votes`)
      .set(bearer(user))
      .send({ option_ids: [1] })
      .expect(200);
    expect(vote.body.poll.options.map((o: { voter_count: number }) => o.voter_count)).toEqual([
      0, 1,
    ]);
    await http
      .post(`/api/v1/chats/${chatId}/polls/${shown!.id}/votes`)
      .set(bearer(user))
      .send({ option_ids: [2] })
      .expect(400);
    const updates = await http.get('/api/v1/bot/updates?timeout=0').set(botAuth(bot)).expect(200);
    expect(updates.body.updates).toMatchObject([
      { type: 'poll_answer', payload: { message_id: shown!.id, option_ids: [1] } },
    ]);
  });

  it("gateway sendPoll into a group: sealed for every member, the bot's result in plain", async () => {
    const { http, platform } = t.current;
    const [ann, ben] = [await keyedUser(http), await keyedUser(http)];
    const bot = await registerBot(http, ann);
    const { chatId } = await groupOf(http, ann, [ben], [bot]);
    const res = await supertest(platform.gateway)
      .post(`/bot${bot.telegramToken}/sendPoll`)
      .send({ chat_id: chatId, question: 'Lunch where?', options: ['Docks', 'Roof'] })
      .expect(200);
    expect(res.body.result.poll).toMatchObject({
      question: 'Lunch where?',
      options: [{ text: 'Docks' }, { text: 'Roof' }],
    });
    const [shown] = await history(chatId, ben);
    for (const who of [ann, ben]) {
      expect(JSON.parse(unsealGroup(shown!, who.id, who.keys.secretKey)!)).toEqual({
        question: 'Lunch where?',
        options: ['Docks', 'Roof'],
      });
    }
    expect(shown!.poll?.question).toBe('');
  });

  it('a person without a key gets the poll in plain, as before', async () => {
    const { http } = t.current;
    const user = await registerUser(http);
    const bot = await registerBot(http, user);
    const chatId = await openChat(http, user, bot);
    await http
      .post('/api/v1/bot/send-poll')
      .set(botAuth(bot))
      .send({ chat_id: chatId, question: 'Open question?', options: ['Yes', 'No'] })
      .expect(200);
    const [shown] = await history(chatId, user);
    expect(shown).toMatchObject({
      content: 'Open question?',
      poll: { question: 'Open question?' },
    });
    expect(shown!.payload.nonce).toBeUndefined();
  });
});
