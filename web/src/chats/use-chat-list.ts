// The chat list's state: the first pages from GET /chats, then kept current by the feed
// (a new message moves its chat to the top and counts as unread unless that chat is open).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { toastError } from '../ui/toast';
import type { Chat, FeedEvent, Message, User } from '../types';
import { onFeed } from './feed';

export interface ChatListState {
  chats: Chat[];
  loading: boolean;
  more: string | null;
  loadMore: () => void;
  upsert: (c: Chat) => void;
  markRead: (chatId: string, messageId: string) => void;
}

interface ChatPage {
  chats: Chat[];
  next_cursor: string | null;
}

export function useChatList(me: User, openId: string | undefined, live: boolean): ChatListState {
  const [chats, setChats] = useState<Chat[]>([]);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState<string | null>(null);
  const openRef = useRef(openId);
  openRef.current = openId;

  const load = (cursor?: string) => {
    setLoading(true);
    api<ChatPage>('GET', `/api/v1/chats${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`)
      .then((page) => {
        setChats((old) => merge(cursor ? old : [], page.chats));
        setMore(page.next_cursor);
      })
      .catch(toastError)
      .finally(() => setLoading(false));
  };
  // Loaded once the feed's cursor is current, so nothing falls between the two.
  useEffect(() => {
    if (live) load();
  }, [live]);

  useEffect(
    () =>
      onFeed((e: FeedEvent) => {
        if (e.type === 'message.new') {
          const m = e.data as unknown as Message;
          setChats((old) => {
            const at = old.findIndex((c) => c.id === m.chat_id);
            if (at < 0) {
              // A chat I was just added to, or a person's first message: fetch it.
              api<{ chat: Chat }>('GET', `/api/v1/chats/${m.chat_id}`)
                .then((r) => setChats((o) => merge([r.chat], o)))
                .catch(quiet);
              return old;
            }
            const c = old[at]!;
            const mine = m.sender.id === me.id;
            const seen = mine || openRef.current === c.id;
            const next: Chat = {
              ...c,
              last_message: m,
              unread_count: seen ? (mine ? 0 : (c.unread_count ?? 0)) : (c.unread_count ?? 0) + 1,
            };
            return [next, ...old.slice(0, at), ...old.slice(at + 1)];
          });
        } else if (e.type === 'message.edited') {
          const m = e.data as unknown as Message;
          setChats((old) =>
            old.map((c) => (c.last_message?.id === m.id ? { ...c, last_message: m } : c)),
          );
        } else if (e.type === 'message.pinned' || e.type === 'message.unpinned') {
          const d = e.data as { chat_id: string; message?: Message };
          setChats((old) =>
            old.map((c) =>
              c.id === d.chat_id ? { ...c, pinned_message_id: d.message?.id ?? null } : c,
            ),
          );
        } else if (e.type === 'message.deleted') {
          // The preview, the unread count and the pin may all have changed: ask once.
          const d = e.data as { chat_id: string };
          api<{ chat: Chat }>('GET', `/api/v1/chats/${d.chat_id}`)
            .then((r) => setChats((old) => merge(old, [r.chat])))
            .catch(quiet);
        } else if (e.type === 'chat.member_removed' || e.type === 'chat.member_left') {
          const d = e.data as { chat_id: string; user: { id: string } };
          if (d.user.id === me.id) setChats((old) => old.filter((c) => c.id !== d.chat_id));
          else {
            setChats((old) =>
              old.map((c) =>
                c.id === d.chat_id
                  ? { ...c, members: c.members.filter((m) => m.id !== d.user.id) }
                  : c,
              ),
            );
          }
        }
      }),
    [me.id],
  );

  return {
    chats,
    loading,
    more,
    loadMore: () => more && load(more),
    upsert: (c) => setChats((old) => merge(old, [c])),
    markRead: (chatId, messageId) => {
      setChats((old) => old.map((c) => (c.id === chatId ? { ...c, unread_count: 0 } : c)));
      api('POST', `/api/v1/chats/${chatId}/read`, { message_id: messageId }).catch(quiet);
    },
  };
}

/** `add` replaces chats of the same id; the newest activity first. */
function merge(old: Chat[], add: Chat[]): Chat[] {
  const byId = new Map(add.map((c) => [c.id, c]));
  const kept = old.map((c) => byId.get(c.id) ?? c);
  const known = new Set(old.map((c) => c.id));
  return [...kept, ...add.filter((c) => !known.has(c.id))].sort((a, b) =>
    activity(b).localeCompare(activity(a)),
  );
}

/**
 * A background refresh that failed: the next event or load brings the state back, so the
 * user is not interrupted; the console says what went wrong.
 */
const quiet = (err: unknown) => console.warn('chat list refresh failed:', err);

const activity = (c: Chat) => c.last_message?.created_at ?? c.created_at;
