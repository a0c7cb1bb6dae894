// Which cache keys belong to a group (a tag, a bot): most groups hold one key, kept as itself,
// since a Set per group costs ~0.15 KB and caches hold tens of thousands of groups.

export class KeyIndex {
  private readonly groups = new Map<string, string | Set<string>>();

  add(group: string, key: string): void {
    const keys = this.groups.get(group);
    if (keys === undefined || keys === key) this.groups.set(group, key);
    else if (typeof keys === 'string') this.groups.set(group, new Set([keys, key]));
    else keys.add(key);
  }

  remove(group: string, key: string): void {
    const keys = this.groups.get(group);
    if (keys === key) this.groups.delete(group);
    else if (typeof keys === 'object') {
      keys.delete(key);
      if (keys.size === 1) this.groups.set(group, keys.values().next().value!);
    }
  }

  /** A copy: dropping an entry while going through them changes the index. */
  keysOf(group: string): string[] {
    const keys = this.groups.get(group);
    if (keys === undefined) return [];
    return typeof keys === 'string' ? [keys] : [...keys];
  }

  clear(): void {
    this.groups.clear();
  }
}
