// A mini app's address: one rule for the bot's menu URL and for web_app buttons, in every
// dialect. The zod shape checks the syntax; the scheme rule needs WEBAPP_ALLOW_HTTP, so it
// runs in the services, which are built with the configuration.
import { z } from 'zod';
import { invalid } from '../errors';

export const MAX_WEBAPP_URL = 2048;

/** An absolute http(s) URL without credentials; https is required later unless allowed. */
export const webAppUrlShape = z
  .string()
  .max(MAX_WEBAPP_URL, `must be at most ${MAX_WEBAPP_URL} characters`)
  .refine((u) => {
    try {
      const parsed = new URL(u);
      return ['http:', 'https:'].includes(parsed.protocol) && !parsed.username && !parsed.password;
    } catch {
      return false;
    }
  }, 'must be an https URL');

/** 400 unless `url` is https (or http when the platform allows it, for local development). */
export function requireWebAppScheme(url: string, allowHttp: boolean, field: string): void {
  if (url.startsWith('https:') || (allowHttp && url.startsWith('http:'))) return;
  throw invalid(field, 'must be an https URL');
}

/** Every web_app URL on a keyboard, with the field name it came from. */
export function webAppUrlsOf(rows: unknown): { url: string; field: string }[] {
  const out: { url: string; field: string }[] = [];
  if (!Array.isArray(rows)) return out;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) return;
    row.forEach((b, j) => {
      const url = (b as { web_app?: { url?: unknown } } | null)?.web_app?.url;
      if (typeof url === 'string') out.push({ url, field: `buttons[${i}][${j}].web_app.url` });
    });
  });
  return out;
}

/** 400 unless every web_app button of the keyboard has an allowed scheme. */
export function requireWebAppButtons(rows: unknown, allowHttp: boolean): void {
  for (const { url, field } of webAppUrlsOf(rows)) requireWebAppScheme(url, allowHttp, field);
}
