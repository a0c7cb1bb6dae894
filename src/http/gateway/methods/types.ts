import type { BotWithUser } from '../../../domain/bots/bots.service';
import type { Services } from '../../../services';
import type { IdShapes, Style } from '../ids';
import type { Params } from '../params';
import type { WaitSignal } from '../../../realtime/long-wait';

export interface MethodContext {
  bot: BotWithUser;
  /**
   * The token the call carried (setChatMenuButton derives the init-data key from it); none
   * for a method run from a webhook's reply.
   */
  token?: string;
  params: Params;
  services: Services;
  /** Aborted when the client goes away or the process shuts down (long polls). */
  signal: WaitSignal;
  /**
   * How the call was addressed: `koto` (token in the Authorization header, as the Koto
   * reference does it) or `telegram` (`/bot<token>/`, as the client libraries do it).
   */
  style: Style;
  /** How ids are shown for this style (ids.ts). */
  ids: IdShapes;
}

/** One gateway method: parse its parameters, call the domain, shape the result. */
export type Method = (ctx: MethodContext) => Promise<unknown>;
