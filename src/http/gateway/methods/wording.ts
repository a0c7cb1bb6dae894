import { AppError, badRequest } from '../../../domain/errors';

/**
 * The domain says "message not found" wherever a message is missing; Telegram names what
 * the bot was doing ("message to edit not found"). Rewords the listed messages as 400s.
 */
export async function worded<T>(work: Promise<T>, wording: Record<string, string>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const text = err instanceof AppError ? wording[err.message] : undefined;
    throw text ? badRequest(text) : err;
  }
}
