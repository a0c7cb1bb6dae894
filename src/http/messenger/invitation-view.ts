import type { InvitationRecord } from '../../domain/chats/invitations.service';
import { toPersonView, type PersonView } from './user-view';

/** A pending invitation as the invitee sees it: which group, who asked, when. */
export interface InvitationView {
  id: string;
  chat: { id: string; title: string | null; member_count: number };
  inviter: PersonView;
  created_at: string;
}

export const toInvitationView = (i: InvitationRecord): InvitationView => ({
  id: i.id,
  chat: { id: i.chat.id, title: i.chat.title, member_count: i.chat.memberCount },
  inviter: toPersonView(i.inviter),
  created_at: i.createdAt.toISOString(),
});
