import { Router } from 'express';
import type { Services } from '../../services';
import { addMemberBody } from '../../domain/chats/chats.schemas';
import { pageQuery } from '../../domain/pagination';
import { parse } from '../../domain/validation';
import { userOf } from '../context';
import { toChatView } from './chat-view';
import { toInvitationView } from './invitation-view';
import { z } from 'zod';
import { op } from '../openapi/operation';
import { chat, page } from '../openapi/wire';

/** Group membership: invite or add, leave, remove; the invitee's accept and decline. */
export function groupRoutes(s: Services): Router {
  const r = Router();

  // A bot joins at once; a person is invited and joins on accepting.
  r.post('/chats/:chat_id/members', async (req, res) => {
    const user = userOf(req);
    const body = parse(addMemberBody, req.body);
    const chat = await s.groups.add(user, String(req.params.chat_id), body);
    res.json({ chat: toChatView(chat, user.id) });
  });
  r.post('/chats/:chat_id/leave', async (req, res) => {
    await s.groups.leave(userOf(req), String(req.params.chat_id));
    res.status(204).end();
  });
  // The group's creator removes anyone; anyone removes themselves (leaves).
  r.delete('/chats/:chat_id/members/:user_id', async (req, res) => {
    const { chat_id, user_id } = req.params as Record<string, string>;
    await s.groups.remove(userOf(req), chat_id!, user_id!);
    res.status(204).end();
  });
  r.get('/invitations', async (req, res) => {
    const page = await s.invitations.list(userOf(req), parse(pageQuery, req.query));
    res.json({ invitations: page.items.map(toInvitationView), next_cursor: page.nextCursor });
  });
  r.post('/invitations/:invitation_id/accept', async (req, res) => {
    const user = userOf(req);
    const chat = await s.invitations.accept(user, String(req.params.invitation_id));
    res.json({ chat: toChatView(chat, user.id) });
  });
  r.post('/invitations/:invitation_id/decline', async (req, res) => {
    await s.invitations.decline(userOf(req), String(req.params.invitation_id));
    res.status(204).end();
  });
  return r;
}

/** OpenAPI registrations of the routes above (relative to /api/v1). */
export const groupDocs = [
  op('post', '/chats/:chat_id/members', 'jwt', 'Add a bot to a group, or invite a person', {
    body: addMemberBody,
    answers: { 200: { description: 'The group', schema: z.object({ chat }) } },
  }),
  op('post', '/chats/:chat_id/leave', 'jwt', 'Leave a group', {
    answers: { 204: { description: 'Left' } },
  }),
  op('delete', '/chats/:chat_id/members/:user_id', 'jwt', 'Remove a member (the creator)', {
    answers: { 204: { description: 'Removed' } },
  }),
  op('get', '/invitations', 'jwt', 'Group invitations waiting for me', {
    query: pageQuery,
    answers: {
      200: {
        description: 'A page of invitations',
        schema: page('invitations', z.object({ id: z.string() }).loose()),
      },
    },
  }),
  op('post', '/invitations/:invitation_id/accept', 'jwt', 'Join the group', {
    answers: { 200: { description: 'The group', schema: z.object({ chat }) } },
  }),
  op('post', '/invitations/:invitation_id/decline', 'jwt', 'Decline an invitation', {
    answers: { 204: { description: 'Declined' } },
  }),
];
