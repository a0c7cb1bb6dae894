// A message's inline keyboard: callback buttons tap (the answer comes back on the feed as
// callback.answered), URL buttons open a new tab, web_app buttons open the mini-app sheet.
import { api } from '../api';
import { toastError } from '../ui/toast';
import type { InlineButton, Message } from '../types';

export function Keyboard(props: { message: Message; onWebApp: (url: string) => void }) {
  const rows = (props.message.payload?.buttons ?? []) as InlineButton[][];
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const tap = (b: InlineButton) => {
    const m = props.message;
    api('POST', `/api/v1/chats/${m.chat_id}/messages/${m.id}/callback`, {
      callback_data: b.callback_data,
    }).catch(toastError);
  };
  return (
    <div class="keyboard" role="group" aria-label="Buttons">
      {rows.map((row, i) => (
        <div class="keyboard-row" key={i}>
          {row.map((b, j) =>
            b.url ? (
              <a key={j} class="kb-button" href={b.url} target="_blank" rel="noopener noreferrer">
                {b.text} <span aria-hidden="true">↗</span>
              </a>
            ) : b.web_app ? (
              <button
                key={j}
                type="button"
                class="kb-button"
                onClick={() => props.onWebApp(b.web_app!.url)}
              >
                {b.text}
              </button>
            ) : (
              <button key={j} type="button" class="kb-button" onClick={() => tap(b)}>
                {b.text}
              </button>
            ),
          )}
        </div>
      ))}
    </div>
  );
}
