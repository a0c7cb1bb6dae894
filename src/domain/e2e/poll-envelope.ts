// A poll in an encrypted chat: the box (or group secretbox) a managed bot's poll message
// carries holds JSON {"question", "options"} (the option texts in order: an option's id is
// still its index), and the poll's row keeps only how many options there are, as empty texts,
// so votes by option id work unchanged while the store holds no question or option text.
import type { PollRecord } from '../polls/poll';
import { jsonObjectIn } from './media-envelope';

export interface PollEnvelope {
  question: string;
  options: string[];
}

export const pollEnvelopeText = (p: PollEnvelope): string =>
  JSON.stringify({ question: p.question, options: p.options });

/** The poll as stored in an encrypted chat: its texts blanked, their number kept. */
export const blankedPoll = <P extends PollEnvelope>(p: P): P => ({
  ...p,
  question: '',
  options: p.options.map(() => ''),
});

/** The envelope of an opened poll box, or null when it is not one for this poll. */
export function parsePollEnvelope(opened: string, poll: PollRecord): PollEnvelope | null {
  const v = jsonObjectIn(opened);
  if (!v) return null;
  const { question, options } = v;
  if (typeof question !== 'string' || !Array.isArray(options)) return null;
  if (options.length !== poll.options.length || !options.every((o) => typeof o === 'string')) {
    return null;
  }
  return { question, options };
}
