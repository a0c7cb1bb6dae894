// Reactions under a message: counts, mine highlighted (tap to take back), and a small picker.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { toastError } from '../ui/toast';
import type { Message, User } from '../types';
import { IconButton } from './icons';

export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

export function Reactions(props: { message: Message; me: User }) {
  const m = props.message;
  const list = m.reactions ?? [];
  if (!list.length) return null;
  return (
    <div class="reactions" aria-label="Reactions">
      {list.map((r) => {
        const mine = r.user_ids.includes(props.me.id);
        return (
          <button
            key={r.emoji}
            type="button"
            class={`reaction ${mine ? 'mine' : ''}`}
            aria-pressed={mine}
            aria-label={`${r.emoji} ${r.count}${mine ? ', yours: tap to take back' : ''}`}
            onClick={() => void react(m, r.emoji, !mine)}
          >
            {r.emoji} {r.count}
          </button>
        );
      })}
    </div>
  );
}

export function react(m: Message, emoji: string, add: boolean): Promise<void> {
  const path = `/api/v1/chats/${m.chat_id}/messages/${m.id}/reactions`;
  return (
    add ? api('POST', path, { emoji }) : api('DELETE', `${path}?emoji=${encodeURIComponent(emoji)}`)
  )
    .then(() => undefined)
    .catch(toastError);
}

/** The picker: a button that opens a row of emoji (Esc closes it). */
export function ReactionPicker(props: { message: Message; me: User }) {
  const [open, setOpen] = useState(false);
  const mineOf = (e: string) =>
    props.message.reactions?.find((r) => r.emoji === e)?.user_ids.includes(props.me.id) ?? false;
  return (
    <span class="picker" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <IconButton icon="smile" label="React" expanded={open} onClick={() => setOpen(!open)} />
      {open && (
        <span class="picker-menu" role="menu" aria-label="Pick a reaction">
          {EMOJI.map((e) => (
            <button
              key={e}
              type="button"
              role="menuitem"
              class={mineOf(e) ? 'mine' : ''}
              onClick={() => {
                setOpen(false);
                void react(props.message, e, !mineOf(e));
              }}
            >
              {e}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
