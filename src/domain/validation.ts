import type { z } from 'zod';
import { badRequest } from './errors';

/** "commands[2].command" from a zod issue path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** Parse input with a zod schema; a failure is a 400 that names the first bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = fieldName(issue.path);
  if (!field) throw badRequest(issue.message);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  throw badRequest(missing ? `${field} is required` : `${field}: ${issue.message}`);
}
