import { commandsOf } from '../../../domain/bots/bots.service';
import { setCommandsBody } from '../../../domain/bots/bots.schemas';
import { parse } from '../../../domain/validation';
import type { Method } from './types';

// The Quanta body's rules, loosened as Telegram is: unknown parameters (`scope`,
// `language_code`, ...) are ignored (one command list per bot).
export const setMyCommandsArgs = setCommandsBody.loose();

export const setMyCommands: Method = async ({ bot, params, services }) => {
  const { commands } = parse(setMyCommandsArgs, params);
  await services.bots.setCommands(bot, commands);
  return true;
};

export const getMyCommands: Method = ({ bot }) => Promise.resolve(commandsOf(bot));

export const deleteMyCommands: Method = async ({ bot, services }) => {
  await services.bots.setCommands(bot, []);
  return true;
};
