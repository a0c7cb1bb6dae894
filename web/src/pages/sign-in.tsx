// Sign in, or create an account (the same form with a display name and a confirmation).
import { useState } from 'preact/hooks';
import { setSessionToken } from '../api';
import { signIn, signUp } from '../session';
import type { Session } from '../types';

export function SignInPage(props: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'in' | 'up'>('in');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const username = text(form, 'username').trim();
    const password = text(form, 'password');
    if (mode === 'up' && password !== form.get('confirm')) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const s =
        mode === 'up'
          ? await signUp(username, password, text(form, 'display_name').trim())
          : await signIn(username, password);
      setSessionToken(s.token);
      props.onSignedIn(s);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth" id="main">
      <h1>Quanta</h1>
      <p class="muted">Chat with bots, and build your own.</p>
      <form class="card" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <h2 id="auth-title">{mode === 'in' ? 'Sign in' : 'Create an account'}</h2>
        <label>
          Username
          <input name="username" autocomplete="username" required minLength={3} maxLength={32} />
        </label>
        {mode === 'up' && (
          <label>
            Display name <span class="muted">(optional)</span>
            <input name="display_name" autocomplete="name" maxLength={64} />
          </label>
        )}
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete={mode === 'in' ? 'current-password' : 'new-password'}
            required
          />
        </label>
        {mode === 'up' && (
          <label>
            Repeat the password
            <input name="confirm" type="password" autocomplete="new-password" required />
          </label>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'in' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      <p>
        {mode === 'in' ? 'New here? ' : 'Have an account? '}
        <button
          type="button"
          class="link"
          onClick={() => {
            setMode(mode === 'in' ? 'up' : 'in');
            setError(undefined);
          }}
        >
          {mode === 'in' ? 'Create an account' : 'Sign in'}
        </button>
      </p>
    </main>
  );
}

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}
