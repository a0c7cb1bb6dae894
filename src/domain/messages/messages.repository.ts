// Message writes that run inside a caller's transaction (Prisma does the rest).
import { statement, type Queryable } from '../../infra/db/statement';

const editText = statement<
  { id: string; content: string; edited_at: Date; payload: string | null },
  { id: string }
>(
  'message-edit-text',
  `
UPDATE messages
   SET content = :content, edited_at = :edited_at::timestamptz,
       payload = COALESCE(:payload::jsonb, payload)
 WHERE id = :id::uuid AND deleted_at IS NULL
RETURNING id`,
);

export const messagesRepository = {
  /**
   * False when the message is gone (deleted meanwhile). `payload` replaces the stored one
   * when given (a new box brings its own nonce); absent, the stored one stays.
   */
  async editText(
    db: Queryable,
    id: string,
    content: string,
    editedAt: Date,
    payload?: object,
  ): Promise<boolean> {
    const json = payload ? JSON.stringify(payload) : null;
    return (await editText.run(db, { id, content, edited_at: editedAt, payload: json })).length > 0;
  },
};
