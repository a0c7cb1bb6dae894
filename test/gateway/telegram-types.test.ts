// The runtime check every test runs (test/setup/telegram-results.ts): it covers every gateway
// method, and it refuses what Telegram's types refuse.
import { METHOD_NAMES } from '../../src/http/gateway/methods';
import { METHOD_RESULTS, chatFullInfo, message, update } from '../support/telegram-types';

const chat = { id: 1234567890, type: 'private', first_name: 'Ann' };
const from = { id: 1234567890, is_bot: false, first_name: 'Ann', username: 'ann' };
const base = { message_id: 1, date: 1_700_000_000, chat, from, text: 'hi' };

describe('Telegram result schemas', () => {
  it('has one for every gateway method, and none for a method the gateway lacks', () => {
    const schemas = Object.keys(METHOD_RESULTS).sort();
    expect(schemas).toEqual([...METHOD_NAMES.values()].sort());
  });

  it('accepts Telegram’s shapes and refuses fields, types and ids Telegram would not send', () => {
    expect(message.safeParse(base).success).toBe(true);
    expect(update.safeParse({ update_id: 1, message: base }).success).toBe(true);
    const bad = [
      { ...base, forward_from: 'Ann' }, // Telegram's forward_from is a User
      { ...base, message_id: 'b1946ac9-2c1c-4f3e-8b32-6f0e6f1c0a11' }, // ids are integers
      { ...base, chat: { id: 1234567890, type: 'private' } }, // a chat has a name
      { ...base, photo: [{ file_id: 'x', file_unique_id: 'y', width: 1, height: 1, data: '' }] },
    ];
    for (const m of bad) expect(message.safeParse(m).success).toBe(false);
    // An update carries exactly one kind, and an incoming message its sender.
    expect(update.safeParse({ update_id: 1 }).success).toBe(false);
    expect(update.safeParse({ update_id: 1, message: { ...base, from: undefined } }).success).toBe(
      false,
    );
    expect(chatFullInfo.safeParse({ ...chat, members: [] }).success).toBe(false);
  });
});
