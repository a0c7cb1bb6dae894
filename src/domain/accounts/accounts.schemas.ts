import { z } from 'zod';
import { nameField } from '../names';

/** Usernames: 3–32 of a-z, 0-9 and _, starting with a letter; case-insensitive. */
export const USERNAME_RULE = /^[a-z][a-z0-9_]{2,31}$/;

export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USERNAME_RULE, 'must be 3-32 characters of a-z, 0-9 and _, starting with a letter');

/** Passwords: 8–128 characters, not only letters or only digits. */
export const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .refine((p) => !/^[a-zA-Z]+$/.test(p) && !/^\d+$/.test(p), {
    message: 'must not be only letters or only digits',
  });

export const registerBody = z.strictObject({
  username,
  password,
  display_name: nameField(64).optional(),
});

export const loginBody = z.strictObject({
  username: z.string().trim().toLowerCase().max(64),
  password: z.string().max(128),
});

export type RegisterCommand = z.output<typeof registerBody>;
export type LoginCommand = z.output<typeof loginBody>;
