/** A poll with its votes: what every view of it is built from. */
export interface PollRecord {
  id: string;
  messageId: string;
  question: string;
  /** Option texts; an option's id is its index. */
  options: string[];
  isAnonymous: boolean;
  allowsMultipleAnswers: boolean;
  votes: { userId: string; optionIds: number[] }[];
}
