// Each person's place in their conversation with @BotKoto, kept in Postgres so a restart
// resumes it.
import type { Sql } from '../../infra/db/prisma';
import { statement } from '../../infra/db/statement';

export type Step =
  'idle' | 'newbot_name' | 'newbot_username' | 'setcommands' | 'setdescription' | 'setwebapp';

export interface Session {
  step: Step;
  /** The new bot's name (newbot_username); the bot being edited (setcommands, setdescription, setwebapp). */
  name?: string;
  botId?: string;
  /** The last update acted on for this person. */
  handledUpdateId: number;
}

const load = statement<
  { user_id: string },
  { step: Step; data: { name?: string; botId?: string }; handled_update_id: string }
>(
  'botkoto-session',
  'SELECT step, data, handled_update_id FROM botkoto_sessions WHERE user_id = :user_id::uuid',
);

const save = statement<{ user_id: string; step: Step; data: string; handled: number }>(
  'botkoto-session-save',
  `
INSERT INTO botkoto_sessions (user_id, step, data, handled_update_id, updated_at)
VALUES (:user_id::uuid, :step, :data::jsonb, :handled::bigint, now())
ON CONFLICT (user_id) DO UPDATE
  SET step = EXCLUDED.step, data = EXCLUDED.data,
      handled_update_id = EXCLUDED.handled_update_id, updated_at = now()`,
);

export class SessionsRepository {
  constructor(private readonly sql: Sql) {}

  async get(userId: string): Promise<Session> {
    const row = await load.first(this.sql, { user_id: userId });
    if (!row) return { step: 'idle', handledUpdateId: 0 };
    return { step: row.step, ...row.data, handledUpdateId: Number(row.handled_update_id) };
  }

  async put(userId: string, s: Session): Promise<void> {
    const data = JSON.stringify({ name: s.name, botId: s.botId });
    await save.run(this.sql, { user_id: userId, step: s.step, data, handled: s.handledUpdateId });
  }
}
