// getFile: where a file's bytes are. The bytes themselves are served by files.ts beside the
// router (`/file/bot<token>/<file_path>`), to the same bots: members of the file's chat.
import { z } from 'zod';
import { parse } from '../../../domain/validation';
import { fileIds, filePath } from '../shapes';
import type { Method } from './types';
import { requiredId } from './args';

export const getFileArgs = z.object({ file_id: requiredId });

export const getFile: Method = async ({ bot, params, services }) => {
  const { file_id } = parse(getFileArgs, params);
  const m = await services.media.describe(bot.userId, file_id);
  return { ...fileIds(m), file_size: m.size, file_path: filePath(m) };
};
