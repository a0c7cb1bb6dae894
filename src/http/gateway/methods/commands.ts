import { z } from 'zod';
import { parse } from '../../../domain/validation';
import type { Method } from './types';

// `scope` and `language_code` are accepted and ignored: one command list per bot.
const setArgs = z.object({ commands: z.unknown() });

export const setMyCommands: Method = async ({ bot, params, services }) => {
  const { commands } = parse(setArgs, params);
  await services.bots.setCommands(bot, { commands });
  return true;
};

export const getMyCommands: Method = async ({ bot }) => bot.commands;

export const deleteMyCommands: Method = async ({ bot, services }) => {
  await services.bots.setCommands(bot, { commands: [] });
  return true;
};
