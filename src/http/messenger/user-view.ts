import type { User } from '../../generated/prisma/client';
import type { Session } from '../../domain/accounts/accounts.service';
import type { Person } from '../../domain/messages/message';

/** A user as the messenger API shows it (never the password hash). */
export interface PublicUser {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  /** NaCl box public key (base64) for encrypted chats; null when none. */
  public_key: string | null;
  created_at: string;
}

export const toPublicUser = (u: User): PublicUser => ({
  id: u.id,
  username: u.username,
  display_name: u.displayName,
  is_bot: u.isBot,
  public_key: u.publicKey,
  created_at: u.createdAt.toISOString(),
});

export const sessionView = (s: Session) => ({ user: toPublicUser(s.user), token: s.token });

/** Someone named in an event or an invitation: a member, an actor, an inviter. */
export interface PersonView {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
}

export const toPersonView = (p: Person): PersonView => ({
  id: p.id,
  username: p.username,
  display_name: p.displayName,
  is_bot: p.isBot,
});
