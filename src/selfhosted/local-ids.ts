// Telegram clients want integer ids; the Quanta API speaks UUIDs. The gateway numbers what it
// has seen, in memory and bounded (the oldest are forgotten first).
const MAX_IDS = 100_000;

export class LocalIds {
  private readonly toNumber = new Map<string, number>();
  private readonly toUuid = new Map<number, string>();
  private next: number;

  constructor(first: number) {
    this.next = first;
  }

  numberOf(uuid: string): number {
    let n = this.toNumber.get(uuid);
    if (n === undefined) {
      n = this.next++;
      this.toNumber.set(uuid, n);
      this.toUuid.set(n, uuid);
      if (this.toNumber.size > MAX_IDS) {
        const [oldest, num] = this.toNumber.entries().next().value!;
        this.toNumber.delete(oldest);
        this.toUuid.delete(num);
      }
    }
    return n;
  }

  uuidOf(n: number): string | undefined {
    return this.toUuid.get(n);
  }
}
