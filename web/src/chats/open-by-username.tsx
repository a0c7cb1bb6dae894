// "Open a chat": a bot's or a person's username → POST /chats {username}.
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Chat } from '../types';

export function OpenByUsername(props: { onOpened: (c: Chat) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const username = name.trim().replace(/^@/, '');
    if (!username) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<{ chat: Chat }>('POST', '/api/v1/chats', { username });
      setName('');
      props.onOpened(r.chat);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="open-chat" onSubmit={(e) => void submit(e)}>
      <label>
        <span>Open a chat by username</span>
        <span class="row">
          <input
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="@username"
            autocomplete="off"
            maxLength={33}
          />
          <button type="submit" disabled={busy}>
            Open
          </button>
        </span>
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
