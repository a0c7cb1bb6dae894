// Names people read — display names, bot names, group titles, forward labels — as one rule:
// NFKC (folds compatibility look-alikes such as 𝐀𝐝𝐦𝐢𝐧 or ｂｏｔ to plain letters), invisible
// characters removed, whitespace collapsed, and some visible text required. Usernames are
// already ASCII-only; cross-script look-alikes (Cyrillic а) stay allowed in names, as the
// people whose names they are need them.
import { z } from 'zod';

/**
 * Format characters (bidi overrides and isolates, zero-width space/joiners, word joiner, BOM,
 * soft hyphen, tag characters…) — except a zero-width joiner between two emoji, which builds
 * one (👨‍👩‍👧) — and the blank letters that render as nothing (Hangul fillers, braille blank).
 */
const INVISIBLE =
  /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})|([\p{Cf}\u115F\u1160\u3164\uFFA0\u2800])/gu;

/** Controls (newlines, tabs) and every kind of space: one plain space. */
const SPACES = /[\p{Cc}\p{Z}]+/gu;

/** Something a reader can see: a letter, digit, punctuation or symbol. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** The stored form of a name: NFKC, invisible characters out, spaces collapsed and trimmed. */
export function normalizeName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(INVISIBLE, (zwj: string, other: string | undefined) =>
      other === undefined ? zwj : '',
    )
    .replace(SPACES, ' ')
    .trim();
}

/**
 * A name field of at most `max` characters (counted after normalising). The raw input may be
 * a few times longer, since normalising can shrink it, but not unboundedly so.
 */
export function nameField(max: number) {
  return z
    .string()
    .max(max * 4, `must be at most ${max} characters`)
    .transform(normalizeName)
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(max, `must be at most ${max} characters`)
        .refine((s) => VISIBLE.test(s), 'must contain visible text'),
    );
}
