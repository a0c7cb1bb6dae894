// Poll votes: cast, changed or retracted inside the vote's transaction, then re-read.
import { statement, type Queryable } from '../../infra/db/statement';

export interface PollVoteRow {
  userId: string;
  optionIds: number[];
}

interface VoteKey {
  poll_id: string;
  user_id: string;
}

const cast = statement<VoteKey & { option_ids: number[] }>(
  'poll-vote-cast',
  `
INSERT INTO poll_votes (poll_id, user_id, option_ids, voted_at)
VALUES (:poll_id::uuid, :user_id::uuid, :option_ids::int[], now())
ON CONFLICT (poll_id, user_id) DO UPDATE SET option_ids = EXCLUDED.option_ids, voted_at = now()`,
);

const retract = statement<VoteKey, { user_id: string }>(
  'poll-vote-retract',
  `DELETE FROM poll_votes WHERE poll_id = :poll_id::uuid AND user_id = :user_id::uuid RETURNING user_id`,
);

const votes = statement<{ poll_id: string }, { user_id: string; option_ids: number[] }>(
  'poll-votes',
  `SELECT user_id, option_ids FROM poll_votes WHERE poll_id = :poll_id::uuid`,
);

/** Every method takes the transaction's client: a vote and its re-read go together. */
export const pollsRepository = {
  async cast(db: Queryable, pollId: string, userId: string, optionIds: number[]): Promise<void> {
    await cast.run(db, { poll_id: pollId, user_id: userId, option_ids: optionIds });
  },

  /** Whether there was a vote to retract. */
  async retract(db: Queryable, pollId: string, userId: string): Promise<boolean> {
    return (await retract.run(db, { poll_id: pollId, user_id: userId })).length > 0;
  },

  async votes(db: Queryable, pollId: string): Promise<PollVoteRow[]> {
    const rows = await votes.run(db, { poll_id: pollId });
    return rows.map((r) => ({ userId: r.user_id, optionIds: r.option_ids }));
  },
};
