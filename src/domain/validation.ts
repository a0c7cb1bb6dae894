import type { z } from 'zod';
import { appError, invalid } from './errors';

/** "commands[2].command" from a zod issue path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * A string Postgres cannot store: NUL is refused in text and jsonb, an unpaired surrogate in
 * jsonb (and silently mangled to U+FFFD in text). `isWellFormed` is ES2024 (Node ≥ 20).
 */
const unstorable = (s: string) => s.includes('\u0000') || !s.isWellFormed();

/** The path of the first unstorable string in parsed input (walked without recursion). */
function unstorablePath(value: unknown): PropertyKey[] | undefined {
  const stack: [unknown, PropertyKey[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string' && unstorable(v)) return path;
    if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (unstorable(k)) return [...path, k];
        stack.push([child, [...path, Array.isArray(v) ? Number(k) : k]]);
      }
    }
  }
  return undefined;
}

/**
 * The top-level fields a strict body schema does not know, reported before anything else: a
 * misspelt or misplaced field (`text` for `content`, `buttons` beside `payload`) is the likely
 * cause of the other issues. In a union, from the branch that failed only on unknown fields.
 */
function unknownKeys(issues: readonly z.core.$ZodIssue[]): string[] | undefined {
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) return issue.keys;
  }
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || issue.path.length > 0) continue;
    for (const branch of issue.errors) {
      if (branch.length > 0 && branch.every((i) => i.code === 'unrecognized_keys')) {
        const keys = unknownKeys(branch);
        if (keys) return keys;
      }
    }
  }
  return undefined;
}

/** Parse input with a zod schema; a failure is a 400 that names the first bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {}, { reportInput: true });
  if (r.success) {
    // Checked here, before any write, rather than left to Postgres: a request that writes
    // twice (an answer, then an edit) must not fail on the second write with the first done.
    const bad = unstorablePath(r.data);
    if (bad) {
      throw invalid(fieldName(bad) || 'input', 'must not contain NUL or unpaired surrogates');
    }
    return r.data;
  }
  const unknown = unknownKeys(r.error.issues);
  if (unknown) throw appError('unknown_fields', { field: unknown.join(', ') });
  const issue = r.error.issues[0]!;
  const field = fieldName(issue.path) || undefined;
  // The value as the schema saw it (after any preprocessing): absent means missing.
  const absent = issue.code === 'invalid_type' || issue.code === 'invalid_union';
  if (field && absent && issue.input === undefined) {
    throw appError('missing_field', { field });
  }
  const tooLong = issue.code === 'too_big' && issue.origin === 'string';
  throw appError(tooLong ? 'text_too_long' : 'invalid_field', { field, detail: issue.message });
}
