/** One emoji one member put on a message. */
export interface ReactionRecord {
  userId: string;
  emoji: string;
  createdAt: Date;
}
