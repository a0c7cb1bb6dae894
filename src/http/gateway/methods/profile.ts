// The bot's own profile texts — name, description, short description — set and read by the
// bot, with the owner API's rules. One language: `language_code` is accepted and ignored.
// logOut and close succeed and change nothing (there is no other server to move to).
import { z } from 'zod';
import { botDescription, botName, botShortDescription } from '../../../domain/bots/bots.schemas';
import { parse } from '../../../domain/validation';
import type { Method } from './types';
import { text } from './args';

export const nameArgs = z.object({ name: text.pipe(botName) });
export const descriptionArgs = z.object({ description: text.pipe(botDescription).default('') });
export const shortArgs = z.object({
  short_description: text.pipe(botShortDescription).default(''),
});

export const setMyName: Method = async ({ bot, params, services }) => {
  const { name } = parse(nameArgs, params);
  await services.bots.setProfile(bot, { name });
  return true;
};

export const getMyName: Method = ({ bot }) => Promise.resolve({ name: bot.name });

/** An empty or absent description clears it, as on Telegram. */
export const setMyDescription: Method = async ({ bot, params, services }) => {
  const { description } = parse(descriptionArgs, params);
  await services.bots.setProfile(bot, { description });
  return true;
};

export const getMyDescription: Method = ({ bot }) =>
  Promise.resolve({ description: bot.description });

export const setMyShortDescription: Method = async ({ bot, params, services }) => {
  const { short_description } = parse(shortArgs, params);
  await services.bots.setProfile(bot, { shortDescription: short_description });
  return true;
};

export const getMyShortDescription: Method = ({ bot }) =>
  Promise.resolve({ short_description: bot.shortDescription });

export const logOut: Method = () => Promise.resolve(true);
export const close: Method = () => Promise.resolve(true);
