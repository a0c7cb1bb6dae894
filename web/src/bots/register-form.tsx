// Register a bot: a name, optionally its @username (ending in "bot") and a description.
import { useState } from 'preact/hooks';
import type { RegisteredBot } from './bot-types';
import { registerBot } from './bots-api';

export function RegisterForm(props: { onRegistered: (r: RegisteredBot) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const field = (n: string) => {
      const v = form.get(n);
      return typeof v === 'string' ? v.trim() : '';
    };
    setBusy(true);
    setError(undefined);
    try {
      const registered = await registerBot({
        name: field('name'),
        ...(field('username') && { username: field('username').replace(/^@/, '') }),
        ...(field('description') && { description: field('description') }),
      });
      formEl.reset();
      props.onRegistered(registered);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card register" onSubmit={(e) => void submit(e)} aria-labelledby="register-title">
      <h2 id="register-title">Register a bot</h2>
      <label>
        Name
        <input name="name" required maxLength={64} placeholder="Weather Helper" />
      </label>
      <label>
        <span>
          Username <span class="muted">(optional; ends in “bot”)</span>
        </span>
        <input
          name="username"
          maxLength={32}
          pattern="@?[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]"
          title="4-32 letters, digits and _, starting with a letter, ending in bot"
          placeholder="weather_helper_bot"
          autocomplete="off"
        />
      </label>
      <label>
        <span>
          Description <span class="muted">(optional)</span>
        </span>
        <textarea name="description" maxLength={512} rows={2} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        Register bot
      </button>
    </form>
  );
}
