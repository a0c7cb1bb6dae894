// Raw-row mapping for the hot auth lookups that bypass Prisma (see infra/db/prisma.ts).
import type { Bot, User } from '../../generated/prisma/client';
import { sharedPermissions } from '../bots/permission-lists';

export const USER_COLUMNS = `u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name,
  u.password_hash AS u_password_hash, u.is_bot AS u_is_bot, u.created_at AS u_created_at,
  u.updated_at AS u_updated_at, u.token_version AS u_token_version, u.tg_id AS u_tg_id,
  u.public_key AS u_public_key`;

/**
 * A bot as requests see it: without its sealed mini-app secret, which only opening an app
 * reads (from its own row), so the auth cache does not hold one per bot (~0.3 KB).
 */
export type BotRow = Omit<Bot, 'webappSecretSealed'>;

export const BOT_COLUMNS = `b.id AS b_id, b.owner_id AS b_owner_id, b.user_id AS b_user_id,
  b.name AS b_name, b.description AS b_description,
  b.short_description AS b_short_description, b.avatar_url AS b_avatar_url,
  b.avatar_sha256 AS b_avatar_sha256,
  b.commands AS b_commands, b.permissions AS b_permissions, b.api_key_hash AS b_api_key_hash,
  b.is_active AS b_is_active, b.created_at AS b_created_at, b.updated_at AS b_updated_at,
  b.key_custody AS b_key_custody,
  b.webapp_url AS b_webapp_url, b.webapp_menu_text AS b_webapp_menu_text`;

/** What USER_COLUMNS selects. */
export interface UserColumns {
  u_id: string;
  u_username: string;
  u_display_name: string;
  u_password_hash: string | null;
  u_is_bot: boolean;
  u_created_at: Date;
  u_updated_at: Date;
  u_token_version: number;
  /** int8 arrives from pg as a string. */
  u_tg_id: string;
  u_public_key: string | null;
}

/** What BOT_COLUMNS selects. */
export interface BotColumns {
  b_id: string;
  b_owner_id: string;
  b_user_id: string;
  b_name: string;
  b_description: string;
  b_short_description: string;
  b_avatar_url: string | null;
  b_avatar_sha256: string | null;
  b_commands: Bot['commands'];
  b_permissions: string[] | null;
  b_api_key_hash: string;
  b_is_active: boolean;
  b_created_at: Date;
  b_updated_at: Date;
  b_key_custody: string | null;
  b_webapp_url: string | null;
  b_webapp_menu_text: string | null;
}

/**
 * `d`, or `held` when it is the same instant: a row's timestamps written by one statement
 * (created, updated; a bot and its user) are held as one Date, not one each (~0.1 KB apiece
 * in every cached row). Nothing mutates a row's Dates.
 */
export function sameInstant(d: Date, held: Date): Date {
  return d.getTime() === held.getTime() ? held : d;
}

export function userFromRow(r: UserColumns): User {
  return {
    id: r.u_id,
    username: r.u_username,
    displayName: r.u_display_name,
    passwordHash: r.u_password_hash,
    isBot: r.u_is_bot,
    createdAt: r.u_created_at,
    updatedAt: sameInstant(r.u_updated_at, r.u_created_at),
    tokenVersion: r.u_token_version,
    tgId: BigInt(r.u_tg_id),
    publicKey: r.u_public_key,
  };
}

export function botFromRow(r: BotColumns): BotRow {
  return {
    id: r.b_id,
    ownerId: r.b_owner_id,
    userId: r.b_user_id,
    name: r.b_name,
    description: r.b_description,
    shortDescription: r.b_short_description,
    avatarUrl: r.b_avatar_url,
    avatarSha256: r.b_avatar_sha256,
    commands: r.b_commands,
    permissions: sharedPermissions(r.b_permissions),
    apiKeyHash: r.b_api_key_hash,
    isActive: r.b_is_active,
    createdAt: r.b_created_at,
    updatedAt: sameInstant(r.b_updated_at, r.b_created_at),
    keyCustody: r.b_key_custody,
    webappUrl: r.b_webapp_url,
    webappMenuText: r.b_webapp_menu_text,
  };
}
