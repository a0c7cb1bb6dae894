// "This bot's log held nothing for this poll as of the channel's news version v": lets a bot's next poll
// (it re-polls right after each empty answer) park without reading Postgres, as long as the
// bot's wakeup channel proves nothing was published since. Idle polls then cost no query.
import type { WakeupBus } from '../../realtime/wakeup-bus';
import { botChannel } from '../messages/fanout';

interface Quiet {
  /** What the poll asked for: the same offset and types read the same (empty) answer. */
  key: string;
  /** The bot channel's news version taken before the empty read. */
  version: string;
  /** Updates at or below this were behind the poll (offset - 1, or 0 when consuming). */
  after: number;
}

export class QuietInboxes {
  private readonly byBot = new Map<string, Quiet>();

  constructor(private readonly bus: WakeupBus) {}

  /** Whether the bot's log still holds nothing for `key`. */
  isQuiet(botId: string, key: string): boolean {
    const q = this.byBot.get(botId);
    if (!q) return false;
    if (q.key === key && this.bus.newsVersion(botChannel(botId)) === q.version) return true;
    this.byBot.delete(botId);
    return false;
  }

  /** After an empty read; `version` was taken before the read began. */
  remember(botId: string, key: string, after: number, version: string | undefined): void {
    if (version === undefined) this.byBot.delete(botId);
    else this.byBot.set(botId, { key, version, after });
  }

  forget(botId: string): void {
    this.byBot.delete(botId);
  }

  /** The quiet bots still watched, with the update id each is waiting beyond. */
  waiting(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [botId, q] of this.byBot) {
      if (this.bus.newsVersion(botChannel(botId)) === q.version) out.set(botId, q.after);
      else this.byBot.delete(botId);
    }
    return out;
  }

  /** The log did change (a wakeup was lost): read again, and wake a parked poll here. */
  recoverLostWakeup(botId: string): void {
    this.byBot.delete(botId);
    this.bus.wakeLocal(botChannel(botId), 'update');
  }
}

/** What makes two polls read the same answer from an unchanged log. */
export const pollKey = (offset: number | undefined, types: string[] | undefined) =>
  `${offset ?? 'consume'}|${types?.join(',') ?? '*'}`;
