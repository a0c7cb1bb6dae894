// A poll with its results, as every member sees it. Anonymous polls show counts only.

export interface PollRow {
  id: string;
  messageId: string;
  question: string;
  options: string[];
  isAnonymous: boolean;
  allowsMultipleAnswers: boolean;
  votes: { userId: string; optionIds: number[] }[];
}

export interface PollOptionView {
  /** The option's index: what `option_ids` name. */
  id: number;
  text: string;
  voter_count: number;
  /** Non-anonymous polls only. */
  voter_ids?: string[];
}

export interface PollView {
  id: string;
  message_id: string;
  question: string;
  options: PollOptionView[];
  /** People who voted (a multiple-answer vote counts once here, once per option above). */
  total_voter_count: number;
  is_anonymous: boolean;
  allows_multiple_answers: boolean;
}

export function toPollView(p: PollRow): PollView {
  const options = p.options.map((text, id): PollOptionView => {
    const voters = p.votes.filter((v) => v.optionIds.includes(id)).map((v) => v.userId);
    return {
      id,
      text,
      voter_count: voters.length,
      ...(!p.isAnonymous && { voter_ids: voters }),
    };
  });
  return {
    id: p.id,
    message_id: p.messageId,
    question: p.question,
    options,
    total_voter_count: p.votes.filter((v) => v.optionIds.length > 0).length,
    is_anonymous: p.isAnonymous,
    allows_multiple_answers: p.allowsMultipleAnswers,
  };
}

/** A poll with its votes: what every view of it is built from. */
export type PollRecord = PollRow;
