// The open chat: header (title, members, lock, the bot's menu button), pinned bar, the thread
// kept live by the feed, "typing…", and the composer.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { isEncrypted } from '../e2e';
import { MiniAppSheet } from '../miniapp/sheet';
import { toast, toastError } from '../ui/toast';
import type { Chat, FeedEvent, Message, Poll, Reaction, User } from '../types';
import { AlertDialog } from './alert';
import { Bubble, Removed } from './bubble';
import { Composer, type Quoted } from './composer';
import './chats.css';
import { onFeed } from './feed';
import { chatTitle } from './list';
import { PinnedBar } from './pinned';
import { Icon } from './icons';

const PAGE = 50;

type Item = Message | { id: string; removed: true };
interface Typing {
  user: string;
  until: number;
}
interface Sheet {
  messageId?: string;
  url?: string;
}

export function ChatView(props: {
  chat: Chat;
  me: User;
  live: boolean;
  onRead: (chatId: string, messageId: string) => void;
}) {
  const { chat, me } = props;
  const [items, setItems] = useState<Item[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [older, setOlder] = useState(false);
  const [typing, setTyping] = useState<Record<string, Typing>>({});
  const [replyTo, setReplyTo] = useState<Quoted>();
  const [editing, setEditing] = useState<Quoted>();
  const [alert, setAlert] = useState<string>();
  const [sheet, setSheet] = useState<Sheet>();
  const [pinned, setPinned] = useState<Message>();
  const thread = useRef<HTMLOListElement>(null);

  const byId = new Map(items.flatMap((i) => ('removed' in i ? [] : [[i.id, i] as const])));
  const patch = (id: string, f: (m: Message) => Message) =>
    setItems((old) => old.map((i) => (i.id === id && !('removed' in i) ? f(i) : i)));

  useEffect(() => {
    if (!props.live) return;
    api<{ messages: Message[] }>('GET', `/api/v1/chats/${chat.id}/messages?limit=${PAGE}`)
      .then((r) => {
        setItems(r.messages);
        setOlder(r.messages.length === PAGE);
        setLoaded(true);
        const last = r.messages[r.messages.length - 1];
        if (last) props.onRead(chat.id, last.id);
      })
      .catch((err: unknown) => {
        toastError(err);
        setLoaded(true);
      });
  }, [chat.id, props.live]);

  const loadOlder = () => {
    const first = items.find((i) => !('removed' in i));
    if (!first) return;
    api<{ messages: Message[] }>(
      'GET',
      `/api/v1/chats/${chat.id}/messages?limit=${PAGE}&before=${first.id}`,
    )
      .then((r) => {
        setItems((old) => [...r.messages.filter((m) => !old.some((i) => i.id === m.id)), ...old]);
        setOlder(r.messages.length === PAGE);
      })
      .catch(toastError);
  };

  // The pinned message: looked up once, then kept by message.pinned / unpinned events.
  useEffect(() => {
    const id = chat.pinned_message_id;
    if (!id) return setPinned(undefined);
    if (pinned?.id === id) return;
    const known = byId.get(id);
    if (known) setPinned(known);
  }, [chat.pinned_message_id, loaded]);

  useEffect(
    () =>
      onFeed((e: FeedEvent) => {
        const d = e.data;
        if (d.chat_id !== chat.id) return;
        switch (e.type) {
          case 'message.new': {
            const m = d as unknown as Message;
            setItems((old) => (old.some((i) => i.id === m.id) ? old : [...old, m]));
            setTyping((t) => {
              const { [m.sender.id]: _gone, ...rest } = t;
              return rest;
            });
            if (m.sender.id !== me.id) props.onRead(chat.id, m.id);
            break;
          }
          case 'message.edited': {
            const m = d as unknown as Message;
            patch(m.id, () => m);
            setPinned((p) => (p?.id === m.id ? m : p));
            break;
          }
          case 'message.deleted': {
            const id = d.message_id as string;
            setItems((old) => old.map((i) => (i.id === id ? { id, removed: true } : i)));
            setPinned((p) => (p?.id === id ? undefined : p));
            break;
          }
          case 'message.reaction':
            patch(d.message_id as string, (m) => ({ ...m, reactions: d.reactions as Reaction[] }));
            break;
          case 'poll.updated':
            patch(d.message_id as string, (m) => ({ ...m, poll: d.poll as Poll }));
            break;
          case 'message.pinned':
            setPinned(d.message as Message);
            break;
          case 'message.unpinned':
            setPinned((p) => (p?.id === d.message_id ? undefined : p));
            break;
          case 'callback.answered':
            if (typeof d.text === 'string' && d.text) {
              if (d.show_alert) setAlert(d.text);
              else toast(d.text);
            }
            break;
          case 'chat.action':
            if (d.user_id !== me.id && d.action === 'typing') {
              const until = Date.parse(d.expires_at as string);
              setTyping((t) => ({
                ...t,
                [d.user_id as string]: { user: d.username as string, until },
              }));
              setTimeout(() => setTyping((t) => ({ ...t })), Math.max(0, until - Date.now()) + 50);
            }
            break;
        }
      }),
    [chat.id, me.id],
  );

  // Newest at the bottom: follow it as messages arrive (not when older ones load above).
  const lastId = items[items.length - 1]?.id;
  useEffect(() => {
    const el = thread.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId]);

  const typists = Object.values(typing)
    .filter((t) => t.until > Date.now())
    .map((t) => t.user);
  const title = chatTitle(chat, me);
  const menuBot = chat.members.find((m) => m.is_bot && m.webapp_url);
  const encrypted = isEncrypted(chat, me);

  return (
    <section class="chat-view" aria-labelledby="chat-title">
      <header class="chat-head">
        <a href="#/chats" class="back" aria-label="Back to the chats">
          ←
        </a>
        <div class="chat-head-text">
          <h2 id="chat-title">
            {encrypted && (
              <span
                class="lock"
                role="img"
                aria-label="End-to-end encrypted"
                title="End-to-end encrypted"
              >
                <Icon name="lock" size={16} />
              </span>
            )}
            {title}
          </h2>
          <span class="muted members">
            {chat.members
              .map((m) =>
                m.id === me.id
                  ? 'you'
                  : `${m.display_name || m.username}${m.is_bot ? ' (bot)' : ''}`,
              )
              .join(', ')}
          </span>
        </div>
        {menuBot && (
          <button type="button" class="primary" onClick={() => setSheet({})}>
            Open app
          </button>
        )}
      </header>
      {pinned && <PinnedBar message={pinned} me={me} onJump={() => jumpTo(pinned.id)} />}
      <ol class="thread" ref={thread} aria-label="Messages" tabIndex={0}>
        {older && (
          <li class="older">
            <button type="button" onClick={loadOlder}>
              Show older messages
            </button>
          </li>
        )}
        {loaded && items.length === 0 && <li class="muted empty">No messages yet. Say hello!</li>}
        {items.map((i) =>
          'removed' in i ? (
            <Removed key={i.id} />
          ) : (
            <Bubble
              key={i.id}
              message={i}
              me={me}
              quoted={i.reply_to_message_id ? byId.get(i.reply_to_message_id) : undefined}
              onReply={(m, opened) => (setEditing(undefined), setReplyTo({ message: m, opened }))}
              onEdit={(m, opened) => (setReplyTo(undefined), setEditing({ message: m, opened }))}
              onWebApp={(url, messageId) => setSheet({ url, messageId })}
            />
          ),
        )}
      </ol>
      <p class="typing muted" aria-live="polite" data-testid="typing">
        {typists.length > 0 && `${typists.join(', ')} ${typists.length > 1 ? 'are' : 'is'} typing…`}
      </p>
      <Composer
        chat={chat}
        me={me}
        replyTo={replyTo}
        editing={editing}
        onDone={() => (setReplyTo(undefined), setEditing(undefined))}
      />
      {alert && <AlertDialog text={alert} onClose={() => setAlert(undefined)} />}
      {sheet && (
        <MiniAppSheet
          chat={chat}
          messageId={sheet.messageId}
          url={sheet.url}
          onClose={() => setSheet(undefined)}
        />
      )}
    </section>
  );
}

function jumpTo(id: string): void {
  const el = document.querySelector(`[data-id="${CSS.escape(id)}"]`);
  el?.scrollIntoView({ block: 'center' });
  if (el instanceof HTMLElement) {
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 1200);
  }
}
