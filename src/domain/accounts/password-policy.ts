// Refuses passwords an attacker would try early: the common-password lists, keyboard walks,
// repeats, dates, l33t variants of those, and the account's own names.
//
// Library choice: zxcvbn-ts (maintained TypeScript port of Dropbox's zxcvbn, one small
// dependency, no install scripts). `language-common` ships the breached-password and
// diceware lists and the keyboard graphs; scoring does not depend on a UI language.
import path from 'node:path';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';

const WORD_LISTS = '@zxcvbn-ts/language-common';
type WordLists = typeof import('@zxcvbn-ts/language-common');

/**
 * zxcvbn's scale: 3 is "safely unguessable: moderate protection from an offline slow-hash
 * scenario" (≥ 10^8 guesses), the level its authors suggest for sign-up.
 */
const MIN_SCORE = 3;

/**
 * Only this many characters are scored: matching grows faster than linearly with length
 * (~60 ms of blocking CPU for 64 adversarial characters), and anything longer that passes
 * the other rules is long enough.
 */
const SCORED_LENGTH = 64;

/** How long the estimator is kept after its last use. */
const KEEP_MS = 60_000;

let estimator: ZxcvbnFactory | undefined;
let release: NodeJS.Timeout | undefined;

/**
 * Built on first use (~30 ms) and dropped a minute after the last, word lists and all: the
 * lists take ~4.8 MB of heap once loaded and the ranked dictionaries ~3.5 MB more, which an
 * api process serving bots would keep for nothing (docs/performance.md).
 */
function strength(): ZxcvbnFactory {
  if (!estimator) {
    // A require, not an import: what a module imports stays loaded for the process's life.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { adjacencyGraphs, dictionary } = require(WORD_LISTS) as WordLists;
    estimator = new ZxcvbnFactory({
      dictionary,
      graphs: adjacencyGraphs,
      maxLength: SCORED_LENGTH,
    });
  }
  if (release) release.refresh();
  else release = setTimeout(dropEstimator, KEEP_MS).unref();
  return estimator;
}

function dropEstimator(): void {
  estimator = undefined;
  release = undefined;
  // Node's module cache, and this module's list of the modules it loaded, would keep them.
  const dir = path.dirname(require.resolve(WORD_LISTS));
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(dir)) delete require.cache[id];
  }
  module.children = module.children.filter((m) => !m.id.startsWith(dir));
}

/**
 * Why `password` is too easy to guess, in the words of the other password rules; undefined
 * when it is not. `related` are the account's own words (username, display name), which an
 * attacker tries first.
 */
export function guessablePassword(password: string, related: string[]): string | undefined {
  const { score } = strength().check(password, related);
  if (score >= MIN_SCORE) return undefined;
  return 'is too easy to guess (a common password, a pattern, or close to the username)';
}
