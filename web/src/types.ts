// The wire shapes the console reads (the messenger API and the owner's part of the Quanta API).

export interface User {
  id: string;
  username: string;
  display_name: string;
  public_key: string | null;
}

export interface Session {
  token: string;
  user: User;
}

export interface Command {
  command: string;
  description: string;
}

export interface ChatMember {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  public_key: string | null;
  bot_id?: string;
  key_custody?: string | null;
  webapp_url?: string | null;
  commands?: Command[];
}

export interface Chat {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  members: ChatMember[];
  pinned_message_id: string | null;
  created_at: string;
  /** Messages from others after my read marker. */
  unread_count?: number;
  /** The newest message, for the list's preview. */
  last_message?: Message | null;
}

export interface Media {
  id: string;
  kind: 'photo' | 'document';
  mime: string;
  size: number;
  sha256: string;
  file_name?: string;
  w?: number;
  h?: number;
  /** Path to GET the bytes (with the session header). */
  url: string;
}

export interface PollOption {
  /** The option's index: what a vote's `option_ids` name. */
  id: number;
  text: string;
  voter_count: number;
  voter_ids?: string[];
}

export interface Poll {
  id: string;
  message_id: string;
  question: string;
  options: PollOption[];
  total_voter_count: number;
  is_anonymous: boolean;
  allows_multiple_answers: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  user_ids: string[];
}

export interface Message {
  id: string;
  chat_id: string;
  sender: { id: string; username: string; is_bot: boolean; public_key: string | null };
  content: string;
  payload: Record<string, unknown> | null;
  created_at: string;
  edited_at?: string;
  reply_to_message_id?: string;
  forward_from?: string;
  media?: Media;
  poll?: Poll;
  reactions?: Reaction[];
}

export interface FeedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

/** An inline button under a message (payload.buttons: rows of these). */
export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  web_app?: { url: string };
}
