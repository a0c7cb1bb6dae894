// Issue 12, item 4: nobody is put into a group without saying yes; people can leave, the
// creator can remove, and everyone in the group hears of it; groups per creator and seats
// per group are capped; GET /chats comes in bounded pages.
import { useTestPlatform } from '../support/platform';
import { bearer, registerBot, registerUser, say, type TestUser } from '../support/fixtures';
import { feedOf } from '../rich/support';

// A small group cap here (the default is 200); the per-day cap stays at its default, 50.
const MAX_MEMBERS = 5;
const t = useTestPlatform({ GROUP_MAX_MEMBERS: String(MAX_MEMBERS) });

async function group(owner: TestUser, body: object = {}, status = 201) {
  const res = await t.current.http
    .post('/api/v1/chats')
    .set(bearer(owner))
    .send({ type: 'group', title: 'Team', ...body })
    .expect(status);
  return res.body as { chat: { id: string; members: { id: string }[] }; error?: string };
}

async function invitationsOf(user: TestUser) {
  const res = await t.current.http.get('/api/v1/invitations').set(bearer(user)).expect(200);
  return res.body as {
    invitations: { id: string; chat: { id: string; title: string }; inviter: { id: string } }[];
    next_cursor: string | null;
  };
}

describe('consent: a person joins a group only by accepting', () => {
  it('member_ids invite; the invitee is not in the chat until they accept', async () => {
    const { http } = t.current;
    const [owner, target] = [await registerUser(http), await registerUser(http)];
    const { chat } = await group(owner, { member_ids: [target.id] });
    expect(chat.members.map((m) => m.id)).toEqual([owner.id]);

    // Not a member: not listed, cannot read or post.
    const listed = await http.get('/api/v1/chats').set(bearer(target)).expect(200);
    expect(listed.body.chats).toEqual([]);
    await http.get(`/api/v1/chats/${chat.id}/messages`).set(bearer(target)).expect(403);

    const { invitations } = await invitationsOf(target);
    expect(invitations).toMatchObject([
      { chat: { id: chat.id, title: 'Team' }, inviter: { id: owner.id } },
    ]);
    const accepted = await http
      .post(`/api/v1/invitations/${invitations[0]!.id}/accept`)
      .set(bearer(target))
      .expect(200);
    expect(accepted.body.chat.members.map((m: { id: string }) => m.id).sort()).toEqual(
      [owner.id, target.id].sort(),
    );
    await say(http, target, chat.id, 'hi, I said yes');
    expect((await invitationsOf(target)).invitations).toEqual([]);
    // Spent: accepting again finds nothing.
    await http
      .post(`/api/v1/invitations/${invitations[0]!.id}/accept`)
      .set(bearer(target))
      .expect(404);
  });

  it('the members route invites a person and adds a bot at once', async () => {
    const { http } = t.current;
    const [owner, target] = [await registerUser(http), await registerUser(http)];
    const bot = await registerBot(http, owner);
    const { chat } = await group(owner);
    const invited = await http
      .post(`/api/v1/chats/${chat.id}/members`)
      .set(bearer(owner))
      .send({ user_id: target.id })
      .expect(200);
    expect(invited.body.chat.members.map((m: { id: string }) => m.id)).toEqual([owner.id]);
    const withBot = await http
      .post(`/api/v1/chats/${chat.id}/members`)
      .set(bearer(owner))
      .send({ bot_id: bot.id })
      .expect(200);
    expect(withBot.body.chat.members.map((m: { id: string }) => m.id)).toContain(bot.userId);
    expect((await invitationsOf(target)).invitations).toHaveLength(1);
  });

  it('a declined invitation cannot be sent again by that group', async () => {
    const { http } = t.current;
    const [owner, target] = [await registerUser(http), await registerUser(http)];
    const { chat } = await group(owner, { member_ids: [target.id] });
    const [inv] = (await invitationsOf(target)).invitations;
    await http.post(`/api/v1/invitations/${inv!.id}/decline`).set(bearer(target)).expect(204);
    await http
      .post(`/api/v1/chats/${chat.id}/members`)
      .set(bearer(owner))
      .send({ user_id: target.id })
      .expect(200);
    expect((await invitationsOf(target)).invitations).toEqual([]);
    await http.get(`/api/v1/chats/${chat.id}`).set(bearer(target)).expect(403);
    // Someone else's invitation is not yours to answer.
    const other = await registerUser(http);
    await group(owner, { member_ids: [other.id] });
    const [theirs] = (await invitationsOf(other)).invitations;
    await http.post(`/api/v1/invitations/${theirs!.id}/accept`).set(bearer(target)).expect(404);
  });
});

describe('leave and remove', () => {
  async function groupOfThree() {
    const { http } = t.current;
    const owner = await registerUser(http);
    const a = await registerUser(http);
    const b = await registerUser(http);
    const { chat } = await group(owner, { member_ids: [a.id, b.id] });
    for (const u of [a, b]) {
      const [inv] = (await invitationsOf(u)).invitations;
      await http.post(`/api/v1/invitations/${inv!.id}/accept`).set(bearer(u)).expect(200);
    }
    return { owner, a, b, chatId: chat.id };
  }

  it('a member leaves: everyone hears it, the leaver can no longer read or post', async () => {
    const { http } = t.current;
    const { owner, a, b, chatId } = await groupOfThree();
    await http.post(`/api/v1/chats/${chatId}/leave`).set(bearer(a)).expect(204);
    for (const u of [owner, a, b]) {
      const { events } = await feedOf(http, u);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['chat.member_left', { chat_id: chatId, user: expect.objectContaining({ id: a.id }) }],
      ]);
    }
    await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(a)).expect(403);
    await http
      .post(`/api/v1/chats/${chatId}/messages`)
      .set(bearer(a))
      .send({ content: 'still here?' })
      .expect(403);
    // Gone for good: the group may not ask again, and leaving twice is a 403.
    await http
      .post(`/api/v1/chats/${chatId}/members`)
      .set(bearer(owner))
      .send({ user_id: a.id })
      .expect(200);
    expect((await invitationsOf(a)).invitations).toEqual([]);
    await http.post(`/api/v1/chats/${chatId}/leave`).set(bearer(a)).expect(403);
    // The rest carry on, and the leaver hears nothing more.
    await say(http, b, chatId, 'bye a');
    expect((await feedOf(http, a)).events.map((e) => e.type)).toEqual(['chat.member_left']);
  });

  it('the creator removes a member; only the creator may', async () => {
    const { http } = t.current;
    const { owner, a, b, chatId } = await groupOfThree();
    const refused = await http
      .delete(`/api/v1/chats/${chatId}/members/${b.id}`)
      .set(bearer(a))
      .expect(403);
    expect(refused.body).toEqual({ error: "only the group's creator can remove members" });
    await http.delete(`/api/v1/chats/${chatId}/members/${b.id}`).set(bearer(owner)).expect(204);
    for (const u of [owner, a, b]) {
      const { events } = await feedOf(http, u);
      expect(events).toMatchObject([
        {
          type: 'chat.member_removed',
          data: { chat_id: chatId, user: { id: b.id }, removed_by: { id: owner.id } },
        },
      ]);
    }
    await http.get(`/api/v1/chats/${chatId}/messages`).set(bearer(b)).expect(403);
    await http.get(`/api/v1/chats/${chatId}`).set(bearer(b)).expect(403);
    await http.delete(`/api/v1/chats/${chatId}/members/${b.id}`).set(bearer(owner)).expect(404);
    // Removing yourself is leaving.
    await http.delete(`/api/v1/chats/${chatId}/members/${a.id}`).set(bearer(a)).expect(204);
    expect((await feedOf(http, owner)).events.map((e) => e.type)).toEqual([
      'chat.member_removed',
      'chat.member_left',
    ]);
  });

  it('a private chat has no leaving or removing', async () => {
    const { http } = t.current;
    const user = await registerUser(http);
    const bot = await registerBot(http, user);
    const chat = await http.post('/api/v1/chats').set(bearer(user)).send({ bot_id: bot.id });
    const res = await http
      .post(`/api/v1/chats/${chat.body.chat.id}/leave`)
      .set(bearer(user))
      .expect(400);
    expect(res.body).toEqual({ error: 'members can only leave a group' });
  });
});

describe('caps and pages', () => {
  it('300 groups aimed at one person: refused after 50; the target sees none of them', async () => {
    const { http } = t.current;
    const [attacker, target] = [await registerUser(http), await registerUser(http)];
    const statuses: number[] = [];
    let refusal: { status: number; retryAfter?: string; error?: string } | undefined;
    for (let i = 0; i < 300; i++) {
      const res = await http
        .post('/api/v1/chats')
        .set(bearer(attacker))
        .send({ type: 'group', title: `spam ${i}`, member_ids: [target.id] });
      statuses.push(res.status);
      if (res.status !== 201 && !refusal) {
        refusal = { status: res.status, retryAfter: res.headers['retry-after'], ...res.body };
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.slice(50).every((s) => s === 429)).toBe(true);
    expect(refusal!.error).toMatch(/^at most 50 new groups a day, retry after \d+ seconds$/);
    expect(Number(refusal!.retryAfter)).toBeGreaterThan(86000);
    // Without consent the target's chat list is untouched.
    const chats = await http.get('/api/v1/chats').set(bearer(target)).expect(200);
    expect(chats.body).toEqual({ chats: [], next_cursor: null });
    // The invitations come in bounded pages too.
    const page = await http.get('/api/v1/invitations?limit=1000').set(bearer(target)).expect(200);
    expect(page.body.invitations).toHaveLength(50);
    expect(page.body.next_cursor).toBeNull();
  }, 120000);

  it('a group holds GROUP_MAX_MEMBERS seats, pending invitations included', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const people = await Promise.all([...Array(MAX_MEMBERS)].map(() => registerUser(http)));
    const tooMany = await group(owner, { member_ids: people.map((p) => p.id) }, 409);
    expect(tooMany.error).toBe(`the group is full: at most ${MAX_MEMBERS} members and invitations`);
    const { chat } = await group(owner, {
      member_ids: people.slice(0, MAX_MEMBERS - 1).map((p) => p.id),
    });
    const res = await http
      .post(`/api/v1/chats/${chat.id}/members`)
      .set(bearer(owner))
      .send({ user_id: people[MAX_MEMBERS - 1]!.id })
      .expect(409);
    expect(res.body.error).toMatch(/group is full/);
  });

  it('GET /chats pages newest first with limit and cursor, each chat once', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.unshift((await group(owner, { title: `g${i}` })).chat.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const res = await http.get(`/api/v1/chats${q}`).set(bearer(owner)).expect(200);
      expect(res.body.chats.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.chats.map((c: { id: string }) => c.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(created);
    // Without a limit, a page of at most 50; a forged cursor is a 400.
    const all = await http.get('/api/v1/chats').set(bearer(owner)).expect(200);
    expect(all.body.chats.map((c: { id: string }) => c.id)).toEqual(created);
    const bad = await http.get('/api/v1/chats?cursor=nonsense').set(bearer(owner)).expect(400);
    expect(bad.body).toEqual({ error: 'cursor: must be a cursor from a previous answer' });
  });

  it('GET /bot/my-bots pages oldest first, keeping `bots`', async () => {
    const { http } = t.current;
    const owner = await registerUser(http);
    const bots = [];
    for (let i = 0; i < 3; i++) bots.push(await registerBot(http, owner, { name: `B${i}` }));
    const first = await http.get('/api/v1/bot/my-bots?limit=2').set(bearer(owner)).expect(200);
    expect(first.body.bots.map((b: { id: string }) => b.id)).toEqual([bots[0]!.id, bots[1]!.id]);
    const second = await http
      .get(`/api/v1/bot/my-bots?limit=2&cursor=${first.body.next_cursor}`)
      .set(bearer(owner))
      .expect(200);
    expect(second.body).toMatchObject({ bots: [{ id: bots[2]!.id }], next_cursor: null });
  });
});
