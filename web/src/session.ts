// The signed-in session: kept in localStorage so a reload stays signed in, checked against
// /auth/me on start (a revoked or expired token signs out).
import { api, setSessionToken } from './api';
import type { Session, User } from './types';

const KEY = 'quanta.session';

export function storedSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function keepSession(s: Session | undefined): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

export async function signUp(username: string, password: string, displayName?: string) {
  return api<Session>('POST', '/api/v1/auth/register', {
    username,
    password,
    ...(displayName && { display_name: displayName }),
  });
}

export async function signIn(username: string, password: string) {
  return api<Session>('POST', '/api/v1/auth/login', { username, password });
}

export async function currentUser(): Promise<User> {
  return (await api<{ user: User }>('GET', '/api/v1/auth/me')).user;
}

/** Revokes the token server-side; the local copy goes whatever the answer. */
export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/v1/auth/logout');
  } finally {
    setSessionToken(undefined);
    keepSession(undefined);
  }
}
