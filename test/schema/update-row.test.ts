// The update log is read back by naming each kind's dates (updateFromRow, the hot path);
// the event feed by walking every key (reviveDates). Both must give the same records, from
// the lean stored form (storedUpdate) and from records stored whole by earlier versions.
import type { MessageRecord, Person } from '../../src/domain/messages/message';
import { reviveDates } from '../../src/domain/stored-json';
import type { UpdateBody } from '../../src/domain/updates/update';
import { carriesBox, storedCarriesBox } from '../../src/domain/e2e/reader-boxes';
import { storedBodyOf, storedUpdate, updateFromRow } from '../../src/domain/updates/update-row';
import { quantaUpdateFromRow, toQuantaUpdate } from '../../src/http/quanta/update-view';

const person: Person = { id: 'p', username: 'ann', displayName: 'Ann', isBot: false, tgId: 1 };

function message(over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: 'm1',
    number: 7,
    chatId: 'c',
    chatType: 'group',
    chatTgId: -5,
    chatName: 'Team',
    sender: person,
    content: 'hi',
    payload: { buttons: [[{ text: 'a', callback_data: 'b' }]] },
    replyToId: null,
    forwardFrom: null,
    createdAt: new Date('2026-01-01T00:00:00.001Z'),
    editedAt: new Date('2026-01-01T00:00:05.000Z'),
    media: null,
    poll: null,
    reactions: [{ userId: 'p', emoji: '👍', createdAt: new Date('2026-01-01T00:00:02Z') }],
    ...over,
  };
}

const bodies: UpdateBody[] = [
  {
    kind: 'message',
    command: null,
    inlineMedia: null,
    message: message({
      replyToId: 'm0',
      replyTo: message({ id: 'm0', editedAt: null, createdAt: new Date('2025-12-31T23:59:00Z') }),
    }),
  },
  {
    kind: 'edited_message',
    command: { name: 'start', args: null },
    inlineMedia: null,
    message: message(),
  },
  {
    kind: 'callback',
    callbackId: 'cb',
    from: person,
    data: 'x',
    message: message({ reactions: [] }),
  },
  {
    kind: 'poll_answer',
    pollId: 'q',
    chatId: 'c',
    chatType: 'private',
    chatTgId: 3,
    chatName: 'Ann',
    messageId: 'm1',
    messageNumber: 2,
    voter: person,
    optionIds: [0],
    at: new Date('2026-01-02T00:00:00Z'),
  },
  {
    kind: 'message_reaction',
    chatId: 'c',
    chatType: 'group',
    chatTgId: -3,
    chatName: 'Team',
    messageId: 'm1',
    messageNumber: 2,
    actor: person,
    old: [],
    new: ['👍'],
    at: new Date('2026-01-03T00:00:00Z'),
  },
];

test.each(bodies.map((b) => [b.kind, b] as const))(
  '%s: stored and read back, every date is a Date again, as the generic walk gives',
  (_kind, b) => {
    const { kind, ...rest } = b;
    const whole = JSON.stringify(rest);
    const createdAt = new Date('2026-01-04T00:00:00Z');
    const row = {
      id: 'u',
      update_id: '9',
      type: kind,
      payload: whole,
      created_at: createdAt.toISOString(),
    };
    const expected = {
      ...reviveDates<object>(JSON.parse(whole)),
      kind,
      id: 'u',
      updateId: 9,
      createdAt,
    };
    expect(updateFromRow(row)).toEqual(expected);
    expect(updateFromRow({ ...row, payload: storedUpdate(b) })).toEqual({
      ...b,
      id: 'u',
      updateId: 9,
      createdAt,
    });
  },
);

test('a plain message in a private chat is stored without its empty and repeated fields', () => {
  const b: UpdateBody = {
    kind: 'message',
    command: null,
    inlineMedia: null,
    message: message({
      chatType: 'private',
      chatTgId: person.tgId,
      chatName: person.displayName,
      payload: {},
      editedAt: null,
      reactions: [],
      replyTo: null,
    }),
  };
  const lean = JSON.parse(storedUpdate(b)) as { message: Record<string, unknown> };
  expect(Object.keys(lean)).toEqual(['message']);
  expect(Object.keys(lean.message).sort()).toEqual(
    ['chatId', 'chatType', 'content', 'createdAt', 'id', 'number', 'sender'].sort(),
  );
  const row = { id: 'u', update_id: '1', type: 'message', payload: storedUpdate(b) };
  const createdAt = new Date('2026-01-04T00:00:00Z');
  const { replyTo: _none, ...withoutQuote } = b.message;
  expect(updateFromRow({ ...row, created_at: createdAt.toISOString() })).toEqual({
    ...b,
    message: withoutQuote,
    id: 'u',
    updateId: 1,
    createdAt,
  });
});

test('a person with a public key keeps it; a chat unlike its sender keeps its own id and name', () => {
  const keyed: Person = { ...person, publicKey: 'k'.repeat(44) };
  const b: UpdateBody = {
    kind: 'callback',
    callbackId: 'cb',
    from: keyed,
    data: 'x',
    message: message({ sender: keyed, chatType: 'private', chatTgId: 42, chatName: 'Bob' }),
  };
  const createdAt = new Date('2026-01-04T00:00:00Z');
  const row = { id: 'u', update_id: '2', type: 'callback', payload: storedUpdate(b) };
  expect(updateFromRow({ ...row, created_at: createdAt.toISOString() })).toEqual({
    ...b,
    id: 'u',
    updateId: 2,
    createdAt,
  });
});

// The Quanta poll builds its JSON straight from the stored record (quantaUpdateFromRow); it
// must be byte for byte what the record path gives, for both stored forms of every kind.
test.each(bodies.map((b) => [b.kind, b] as const))(
  '%s: the Quanta JSON made from the stored form is the record path’s, lean and whole',
  (_kind, b) => {
    const { kind, ...rest } = b;
    const createdAt = new Date('2026-01-04T00:00:00Z');
    const variants: UpdateBody[] = [b];
    if (b.kind === 'message' || b.kind === 'edited_message') {
      const media = {
        id: 'f',
        kind: 'photo' as const,
        mime: 'image/png',
        fileName: null,
        size: 3,
        width: 1,
        height: 2,
        sha256: 'h',
      };
      const poll = {
        id: 'q',
        messageId: 'm1',
        question: 'Q?',
        options: ['a', 'b'],
        isAnonymous: false,
        allowsMultipleAnswers: false,
        votes: [{ userId: 'p', optionIds: [1] }],
      };
      variants.push(
        { ...b, inlineMedia: 'AAA', message: message({ media, payload: {}, forwardFrom: 'x' }) },
        { ...b, command: { name: 'go', args: 'now' }, message: message({ poll, editedAt: null }) },
      );
    }
    for (const v of variants) {
      for (const payload of [JSON.stringify({ ...rest, ...v, kind: undefined }), storedUpdate(v)]) {
        const row = {
          id: 'u',
          update_id: '9',
          type: kind,
          payload,
          created_at: createdAt.toISOString(),
        };
        expect(JSON.stringify(quantaUpdateFromRow(row))).toBe(
          JSON.stringify(toQuantaUpdate(updateFromRow(row))),
        );
      }
    }
  },
);

test('a batch is known to hold a box from its stored form as from its records', () => {
  const boxed = { nonce: 'n', keys: {} };
  const boxedReply = message({ replyToId: 'm0', replyTo: message({ payload: boxed }) });
  const variants: UpdateBody[] = [
    ...bodies,
    { kind: 'message', command: null, inlineMedia: null, message: message({ payload: boxed }) },
    { kind: 'edited_message', command: null, inlineMedia: null, message: boxedReply },
    {
      kind: 'callback',
      callbackId: 'c',
      from: person,
      data: 'd',
      message: message({ payload: boxed }),
    },
  ];
  const seen = variants.map((b) => {
    const r = {
      id: 'u',
      update_id: '1',
      type: b.kind,
      payload: storedUpdate(b),
      created_at: new Date().toISOString(),
    };
    expect(storedCarriesBox(storedBodyOf(r))).toBe(carriesBox(updateFromRow(r)));
    return carriesBox(updateFromRow(r));
  });
  expect(seen.filter(Boolean)).toHaveLength(3);
});
