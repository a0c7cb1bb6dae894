// Bots' permission lists as cached rows hold them: one frozen array per distinct list. There
// are few distinct lists and many cached bots and members (~0.3 KB each as pg returns them).

const EMPTY: readonly string[] = Object.freeze([]);
/** Past this many distinct lists, a new one is frozen but not kept (never reached in use). */
const MAX_LISTS = 256;
const lists = new Map<string, readonly string[]>();

/**
 * The shared copy of `list`. Typed mutable for the row types that carry it, but frozen:
 * nothing changes a row's permissions in place (a change writes a new row).
 */
export function sharedPermissions(list: string[] | null): string[] {
  if (!list || list.length === 0) return EMPTY as string[];
  const key = list.join(',');
  let shared = lists.get(key);
  if (!shared) {
    shared = Object.freeze(list);
    if (lists.size < MAX_LISTS) lists.set(key, shared);
  }
  return shared as string[];
}
