// Callback answers, recorded inside the answer's transaction.
import { statement, type Queryable } from '../../infra/db/statement';

const markAnswered = statement<
  { id: string; text: string | null; show_alert: boolean },
  { id: string }
>(
  'callback-answer',
  `
UPDATE callback_queries SET answered_at = now(), answer_text = :text, show_alert = :show_alert
 WHERE id = :id::uuid AND answered_at IS NULL
RETURNING id`,
);

export const callbacksRepository = {
  /** Callbacks answered now: 0 when it was answered already (the first answer wins). */
  async markAnswered(
    db: Queryable,
    id: string,
    answer: { text: string | null; showAlert: boolean },
  ): Promise<number> {
    const rows = await markAnswered.run(db, {
      id,
      text: answer.text,
      show_alert: answer.showAlert,
    });
    return rows.length;
  },
};
