// Message writes that run inside a caller's transaction (Prisma does the rest).
import { statement, type Queryable } from '../../infra/db/statement';

const editText = statement<{ id: string; content: string; edited_at: Date }, { id: string }>(
  'message-edit-text',
  `
UPDATE messages SET content = :content, edited_at = :edited_at::timestamptz
 WHERE id = :id::uuid AND deleted_at IS NULL
RETURNING id`,
);

export const messagesRepository = {
  /** False when the message is gone (deleted meanwhile). */
  async editText(db: Queryable, id: string, content: string, editedAt: Date): Promise<boolean> {
    return (await editText.run(db, { id, content, edited_at: editedAt })).length > 0;
  },
};
