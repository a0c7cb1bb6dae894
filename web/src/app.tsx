// The console's frame: signed out → the sign-in screen; signed in → the header (Chats, Bots,
// theme, sign out) and the screen the hash names.
import { useEffect, useState } from 'preact/hooks';
import { setSessionToken } from './api';
import { ensureKeys, forgetKeys } from './e2e';
import { BotsPage } from './pages/bots';
import { ChatsPage } from './pages/chats';
import { SignInPage } from './pages/sign-in';
import { match, navigate, useRoute } from './router';
import { currentUser, keepSession, signOut, storedSession } from './session';
import { useTheme, type Theme } from './theme';
import { toastError, Toasts } from './ui/toast';
import type { Session } from './types';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => {
    const s = storedSession();
    setSessionToken(s?.token);
    return s;
  });
  const path = useRoute();

  const adopt = (s: Session | undefined) => {
    setSessionToken(s?.token, () => adopt(undefined));
    keepSession(s);
    setSession(s);
  };

  // A stored session may have been revoked or have expired: ask once on start.
  useEffect(() => {
    if (!session) return;
    setSessionToken(session.token, () => adopt(undefined));
    currentUser()
      .then((user) => adopt({ token: session.token, user }))
      .catch(() => undefined);
  }, []);

  // This browser's end-to-end key: made on first sign-in here, its public half published.
  const userId = session?.user.id;
  const publicKey = session?.user.public_key;
  useEffect(() => {
    if (!session) return;
    ensureKeys(session.user)
      .then((user) => {
        if (user.public_key !== session.user.public_key) adopt({ ...session, user });
      })
      .catch(toastError);
  }, [userId, publicKey]);

  if (!session) {
    return (
      <>
        <SignInPage onSignedIn={adopt} />
        <Toasts />
      </>
    );
  }

  const chat = match('/chats/:chatId', path);
  const screen = path.startsWith('/bots') ? 'bots' : 'chats';
  return (
    <>
      <Header
        session={session}
        screen={screen}
        onSignOut={() => {
          forgetKeys();
          signOut()
            .catch(toastError)
            .finally(() => adopt(undefined));
        }}
      />
      <main id="main">
        {screen === 'bots' ? (
          <BotsPage session={session} />
        ) : (
          <ChatsPage
            session={session}
            chatId={chat?.chatId}
            onUser={(user) => adopt({ ...session, user })}
          />
        )}
      </main>
      <Toasts />
    </>
  );
}

function Header(props: { session: Session; screen: 'bots' | 'chats'; onSignOut: () => void }) {
  const [theme, setTheme] = useTheme();
  const link = (to: string, label: string, here: boolean) => (
    <a href={`#${to}`} aria-current={here ? 'page' : undefined} onClick={() => navigate(to)}>
      {label}
    </a>
  );
  return (
    <header class="topbar">
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <strong class="brand">Quanta</strong>
      <nav aria-label="Sections">
        {link('/chats', 'Chats', props.screen === 'chats')}
        {link('/bots', 'My bots', props.screen === 'bots')}
      </nav>
      <span class="spacer" />
      <label class="theme">
        <span class="visually-hidden">Theme</span>
        <select value={theme} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
          <option value="system">System theme</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <span class="who" title={props.session.user.username}>
        {props.session.user.display_name || props.session.user.username}
      </span>
      <button type="button" onClick={props.onSignOut}>
        Sign out
      </button>
    </header>
  );
}
