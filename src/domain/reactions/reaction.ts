// Reactions as a message shows them: one entry per emoji, in order of first use.

export interface ReactionRow {
  userId: string;
  emoji: string;
  createdAt: Date;
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  /** Who put it (people and bots); chats are small enough to list them. */
  user_ids: string[];
}

/** `rows` ordered by createdAt. */
export function summarizeReactions(rows: ReactionRow[]): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionSummary>();
  for (const r of rows) {
    const s = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, user_ids: [] };
    s.count++;
    s.user_ids.push(r.userId);
    byEmoji.set(r.emoji, s);
  }
  return [...byEmoji.values()];
}

export type ReactionRecord = ReactionRow;
