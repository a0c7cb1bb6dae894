// One message: who sent it, the quoted message it answers, its text or file, poll, buttons,
// reactions, and my actions (reply, react, edit and delete my own).
import { api } from '../api';
import { toastError } from '../ui/toast';
import type { OpenedText } from '../e2e';
import type { Message, Poll, User } from '../types';
import { Keyboard } from './keyboard';
import { useMediaUrl, useOpened } from './opened';
import { PollView } from './poll';
import { ReactionPicker, Reactions } from './reactions';
import { Icon, IconButton } from './icons';

export interface BubbleProps {
  message: Message;
  me: User;
  quoted?: Message;
  onReply: (m: Message, opened: OpenedText) => void;
  onEdit: (m: Message, opened: OpenedText) => void;
  onWebApp: (url: string, messageId: string) => void;
}

export function Bubble(props: BubbleProps) {
  const m = props.message;
  const mine = m.sender.id === props.me.id;
  const opened = useOpened(m, props.me);
  const del = () => {
    if (!confirm('Delete this message for everyone?')) return;
    api('DELETE', `/api/v1/chats/${m.chat_id}/messages/${m.id}`).catch(toastError);
  };
  return (
    <li class={`bubble ${mine ? 'mine' : 'theirs'}`} data-testid="message" data-id={m.id}>
      {!mine && <span class="sender">{m.sender.username}</span>}
      {m.forward_from && <span class="muted forwarded">Forwarded from {m.forward_from}</span>}
      {m.reply_to_message_id && <Quote message={props.quoted} me={props.me} />}
      {m.media && <Attachment message={m} opened={opened} />}
      {m.poll ? (
        <PollView message={m} poll={withTexts(m.poll, opened.poll)} me={props.me} />
      ) : (
        opened.text && <p class="text">{opened.text}</p>
      )}
      <Keyboard message={m} onWebApp={(url) => props.onWebApp(url, m.id)} />
      <Reactions message={m} me={props.me} />
      <span class="meta muted">
        {m.edited_at && <span class="edited">edited · </span>}
        <time dateTime={m.created_at}>{time(m.created_at)}</time>
      </span>
      <span class="actions">
        <IconButton icon="reply" label="Reply" onClick={() => props.onReply(m, opened)} />
        <ReactionPicker message={m} me={props.me} />
        {mine && !m.poll && (
          <>
            <IconButton icon="edit" label="Edit" onClick={() => props.onEdit(m, opened)} />
            <IconButton icon="trash" label="Delete" onClick={del} />
          </>
        )}
      </span>
    </li>
  );
}

/** A removed message keeps its place in the thread. */
export function Removed() {
  return (
    <li class="bubble removed muted" data-testid="message-removed">
      This message was deleted.
    </li>
  );
}

function Quote(props: { message?: Message; me: User }) {
  const q = props.message;
  const opened = useQuoteText(q, props.me);
  return (
    <blockquote class="quote" data-testid="quote">
      {q ? (
        <>
          <strong>{q.sender.username}</strong> {opened}
        </>
      ) : (
        <span class="muted">An earlier message</span>
      )}
    </blockquote>
  );
}

function useQuoteText(q: Message | undefined, me: User): string {
  const stand: Message = q ?? {
    id: '',
    chat_id: '',
    sender: { id: '', username: '', is_bot: false, public_key: null },
    content: '',
    payload: null,
    created_at: '',
  };
  const opened = useOpened(stand, me);
  if (!q) return '';
  return short(opened.text || (q.media ? `[${q.media.kind}]` : q.poll ? q.poll.question : ''));
}

function Attachment(props: { message: Message; opened: { text: string; mediaKey?: string } }) {
  const media = props.message.media!;
  const { url, failed } = useMediaUrl(media, props.opened);
  if (media.kind === 'photo') {
    return url ? (
      <img
        class="photo"
        src={url}
        alt={props.opened.text || 'Photo'}
        width={media.w}
        height={media.h}
        data-testid="photo"
      />
    ) : (
      <span class="photo placeholder muted">
        {failed ? 'The photo could not be loaded.' : 'Loading the photo…'}
      </span>
    );
  }
  const name = media.file_name ?? 'document';
  return (
    <a class="document" href={url} download={name} aria-disabled={!url}>
      <Icon name="file" /> {name} <span class="muted">({size(media.size)})</span>
      {failed && <span class="error"> could not be loaded</span>}
    </a>
  );
}

export const short = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s);
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const size = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1048576
      ? `${(n / 1024).toFixed(0)} KB`
      : `${(n / 1048576).toFixed(1)} MB`;

/** A sealed poll shown with its opened texts (the server keeps blanks in their places). */
function withTexts(poll: Poll, texts: OpenedText['poll']): Poll {
  if (!texts) return poll;
  return {
    ...poll,
    question: texts.question,
    options: poll.options.map((o, i) => ({ ...o, text: texts.options[i] ?? o.text })),
  };
}
