// A bot's key right after register or rotate: every spelling, each with a copy button, and
// the warning that it is shown only now (the server keeps a digest; nothing here stores it).
import { useEffect, useRef } from 'preact/hooks';
import { toast, toastError } from '../ui/toast';
import type { RegisteredBot } from './bot-types';

const SPELLINGS = [
  ['api_key', 'Quanta API key', 'X-Bot-Token on the Quanta API (/api/v1/bot)'],
  ['koto_token', 'Koto token', 'Koto clients and the Koto registry'],
  ['telegram_token', 'Telegram-style token', 'Telegram libraries pointed at the gateway'],
] as const;

export function KeyPanel(props: { issued: RegisteredBot; rotated?: boolean; onDone: () => void }) {
  const { issued } = props;
  // Keyboard and screen-reader users land on the key, not on the form they just sent.
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    title.current?.scrollIntoView({ block: 'start' });
    title.current?.focus();
  }, [issued.api_key]);
  const copy = (text: string, label: string) => {
    navigator.clipboard
      .writeText(text)
      .then(() => toast(`Copied: ${label}`))
      .catch(toastError);
  };
  return (
    <section class="card key-panel" aria-labelledby="key-title">
      <h2 id="key-title" tabIndex={-1} ref={title}>
        {props.rotated ? 'New key for ' : 'Key for '}
        {issued.bot.name} <span class="muted">@{issued.bot.username}</span>
      </h2>
      <p class="warning" role="alert">
        <strong>Copy the key now: it is shown only this once.</strong> Leaving this page or
        reloading it loses it; the platform keeps only a digest. If you lose it, rotate the key.
        {props.rotated && ' The old key no longer works.'}
      </p>
      <dl class="tokens">
        {SPELLINGS.map(([field, label, use]) => (
          <div key={field} class="token">
            <dt id={`tok-${field}`}>{label}</dt>
            <dd>
              <code aria-labelledby={`tok-${field}`} data-token={field}>
                {issued[field]}
              </code>
              <button
                type="button"
                aria-label={`Copy ${label}`}
                onClick={() => copy(issued[field], label)}
              >
                Copy
              </button>
              <span class="muted hint">{use}</span>
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" class="primary" onClick={props.onDone}>
        I have saved the key
      </button>
    </section>
  );
}
