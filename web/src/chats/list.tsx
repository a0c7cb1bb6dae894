// The chat list: open-by-username on top, then chats newest first with a preview and the
// unread count.
import { navigate } from '../router';
import type { Chat, Message, User } from '../types';
import { useOpened } from './opened';
import type { ChatListState } from './use-chat-list';
import { OpenByUsername } from './open-by-username';

export function ChatList(props: { me: User; list: ChatListState; openId?: string }) {
  const { chats, loading, more } = props.list;
  return (
    <aside class="chat-list" aria-labelledby="chats-title">
      <h1 id="chats-title">Chats</h1>
      <OpenByUsername onOpened={(c) => (props.list.upsert(c), navigate(`/chats/${c.id}`))} />
      {!loading && chats.length === 0 && (
        <p class="muted">No chats yet: open one with a bot or a person by their username.</p>
      )}
      <ul class="chat-items">
        {chats.map((c) => (
          <li key={c.id}>
            <ChatItem chat={c} me={props.me} here={c.id === props.openId} />
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" onClick={props.list.loadMore} disabled={loading}>
          Show older chats
        </button>
      )}
    </aside>
  );
}

function ChatItem(props: { chat: Chat; me: User; here: boolean }) {
  const c = props.chat;
  const title = chatTitle(c, props.me);
  const unread = c.unread_count ?? 0;
  const last = c.last_message;
  return (
    <a
      href={`#/chats/${c.id}`}
      class="chat-item"
      aria-current={props.here ? 'page' : undefined}
      data-testid="chat-item"
    >
      <span class="avatar" aria-hidden="true">
        {title.slice(0, 1).toUpperCase()}
      </span>
      <span class="chat-item-text">
        <span class="chat-item-title">{title}</span>
        <span class="chat-item-preview muted">
          {last ? <Preview last={last} me={props.me} /> : 'No messages yet'}
        </span>
      </span>
      {unread > 0 && (
        <span class="unread" data-testid="unread">
          {unread > 999 ? '999+' : unread}
          <span class="visually-hidden"> unread</span>
        </span>
      )}
    </a>
  );
}

/** The last message's text, opened when it is sealed (never the ciphertext). */
function Preview(props: { last: Message; me: User }) {
  const { last, me } = props;
  const opened = useOpened(last, me);
  const what = opened.text || (last.media ? `[${last.media.kind}]` : last.poll ? '[poll]' : '');
  return <>{(last.sender.id === me.id ? 'You: ' : '') + what}</>;
}

export function chatTitle(c: Chat, me: User): string {
  if (c.title) return c.title;
  const others = c.members.filter((m) => m.id !== me.id);
  return others.map((m) => m.display_name || m.username).join(', ') || 'Saved messages';
}
