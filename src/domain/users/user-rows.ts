// Raw-row mapping for the hot auth lookups that bypass Prisma (see infra/db/prisma.ts).
import type { Bot, User } from '../../generated/prisma/client';

export const USER_COLUMNS = `u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name,
  u.password_hash AS u_password_hash, u.is_bot AS u_is_bot, u.created_at AS u_created_at,
  u.updated_at AS u_updated_at`;

export const BOT_COLUMNS = `b.id AS b_id, b.owner_id AS b_owner_id, b.user_id AS b_user_id,
  b.name AS b_name, b.description AS b_description, b.avatar AS b_avatar,
  b.commands AS b_commands, b.permissions AS b_permissions, b.api_key_hash AS b_api_key_hash,
  b.is_active AS b_is_active, b.created_at AS b_created_at, b.updated_at AS b_updated_at,
  b.numeric_id AS b_numeric_id`;

type Row = Record<string, unknown>;

export function userFromRow(r: Row): User {
  return {
    id: r.u_id as string,
    username: r.u_username as string,
    displayName: r.u_display_name as string,
    passwordHash: r.u_password_hash as string | null,
    isBot: r.u_is_bot as boolean,
    createdAt: r.u_created_at as Date,
    updatedAt: r.u_updated_at as Date,
  };
}

export function botFromRow(r: Row): Bot {
  return {
    id: r.b_id as string,
    ownerId: r.b_owner_id as string,
    userId: r.b_user_id as string,
    name: r.b_name as string,
    description: r.b_description as string,
    avatar: r.b_avatar as string | null,
    commands: r.b_commands as Bot['commands'],
    permissions: (r.b_permissions as string[] | null) ?? [],
    apiKeyHash: r.b_api_key_hash as string,
    // int8 arrives from pg as a string.
    numericId: BigInt(r.b_numeric_id as string),
    isActive: r.b_is_active as boolean,
    createdAt: r.b_created_at as Date,
    updatedAt: r.b_updated_at as Date,
  };
}
