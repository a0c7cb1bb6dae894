// The bot's webhook as the bot itself sees it (URL, pending updates, last error) and its
// latest delivery attempts, polled every 2.5 s while the tab is visible: the API has no push
// for owners, and a poll of one indexed query is cheap.
import { useEffect, useState } from 'preact/hooks';
import type { WebhookState } from './bot-types';
import { webhookState } from './bots-api';

const POLL_MS = 2500;

export function WebhookPanel(props: { botId: string }) {
  const [state, setState] = useState<WebhookState>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctl = new AbortController();
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          setState(await webhookState(props.botId, ctl.signal));
          setError(undefined);
        } catch (err) {
          if (ctl.signal.aborted) return;
          setError(err instanceof Error ? err.message : String(err));
        }
      }
      if (!ctl.signal.aborted) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [props.botId]);

  const w = state?.webhook;
  return (
    <section class="card webhook" aria-labelledby="webhook-title">
      <h2 id="webhook-title">Webhook</h2>
      {error && <p class="error">{error}</p>}
      {!state && !error && <p class="muted">Loading…</p>}
      {w && (
        <dl class="facts">
          <dt>URL</dt>
          <dd data-testid="webhook-url">
            {w.url || <span class="muted">None: the bot receives updates by long polling.</span>}
          </dd>
          <dt>Pending updates</dt>
          <dd data-testid="webhook-pending">{w.pending_update_count}</dd>
          <dt>Last error</dt>
          <dd>
            {w.last_error_message ? (
              <>
                <span class="error">{w.last_error_message}</span>{' '}
                {w.last_error_date && (
                  <time class="muted" dateTime={new Date(w.last_error_date * 1000).toISOString()}>
                    {new Date(w.last_error_date * 1000).toLocaleString()}
                  </time>
                )}
              </>
            ) : (
              <span class="muted">None</span>
            )}
          </dd>
        </dl>
      )}
      {state && (
        <div class="table-scroll">
          <table class="attempts">
            <caption>Latest delivery attempts (newest first, updated live)</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">HTTP status</th>
                <th scope="col">Latency (ms)</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {state.attempts.length === 0 && (
                <tr>
                  <td colSpan={4} class="muted">
                    No attempts yet.
                  </td>
                </tr>
              )}
              {state.attempts.map((a) => (
                <tr key={a.id}>
                  <td>
                    <time dateTime={a.created_at}>
                      {new Date(a.created_at).toLocaleTimeString()}
                    </time>
                  </td>
                  <td class={a.status_code && a.status_code < 300 ? 'ok' : 'error'}>
                    {a.status_code ?? '—'}
                  </td>
                  <td>{a.duration_ms ?? '—'}</td>
                  <td class="err-text">{a.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
