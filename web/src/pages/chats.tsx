// Chats: the list (unread counts, newest first) beside the open chat; at phone width one at a
// time. One event feed serves both.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ChatView } from '../chats/chat-view';
import { runFeed } from '../chats/feed';
import { ChatList } from '../chats/list';
import { useChatList } from '../chats/use-chat-list';
import type { Chat, Session, User } from '../types';

export function ChatsPage(props: { session: Session; chatId?: string; onUser: (u: User) => void }) {
  const me = props.session.user;
  const [live, setLive] = useState(false);
  const list = useChatList(me, props.chatId, live);

  useEffect(() => {
    const stop = new AbortController();
    void runFeed(stop.signal, () => setLive(true));
    return () => stop.abort();
  }, [props.session.token]);

  // Opening a chat by link (or after "open by username") that the list does not hold yet.
  const open = list.chats.find((c) => c.id === props.chatId);
  const [missing, setMissing] = useState<string>();
  useEffect(() => {
    setMissing(undefined);
    if (!props.chatId || open) return;
    api<{ chat: Chat }>('GET', `/api/v1/chats/${props.chatId}`)
      .then((r) => list.upsert(r.chat))
      .catch((err: unknown) => setMissing(err instanceof Error ? err.message : String(err)));
  }, [props.chatId, Boolean(open)]);

  return (
    <div class={`chats ${props.chatId ? 'has-open' : ''}`}>
      <ChatList me={me} list={list} openId={props.chatId} />
      {props.chatId ? (
        open ? (
          <ChatView key={open.id} chat={open} me={me} live={live} onRead={list.markRead} />
        ) : (
          <section class="chat-view chat-empty" aria-busy={!missing}>
            {missing ? (
              <p role="alert">
                {missing} <a href="#/chats">Back to the chats</a>
              </p>
            ) : (
              <p class="muted">Opening the chat…</p>
            )}
          </section>
        )
      ) : (
        <section class="chat-view chat-empty">
          <p class="muted">Pick a chat, or open one by username.</p>
        </section>
      )}
    </div>
  );
}
