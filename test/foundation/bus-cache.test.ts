// BusCache (src/realtime/bus-cache.ts), the in-process cache behind people's rows and chat
// audiences: bounded, and an entry goes when any of its ids is announced on any channel.
import { BusCache } from '../../src/realtime/bus-cache';
import type { WakeupBus } from '../../src/realtime/wakeup-bus';

/** A bus delivering what `announce` says, with every channel confirmed unless `lost`. */
function fakeBus() {
  const listeners = new Map<string, ((msg: string) => void)[]>();
  const bus = {
    generation: 1,
    lost: new Set<string>(),
    watching: (name: string) => !bus.lost.has(name),
    listen: (name: string, fn: (msg: string) => void) => {
      listeners.set(name, [...(listeners.get(name) ?? []), fn]);
      return Promise.resolve(() => undefined);
    },
    wakeLocal: (name: string, msg: string) => listeners.get(name)?.forEach((fn) => fn(msg)),
    publish: () => Promise.resolve(),
  };
  return { bus, asBus: bus as unknown as WakeupBus, announce: bus.wakeLocal };
}

const LIMITS = { maxEntries: 1000, maxBytes: 1_000_000, ttlMs: 60_000 };

describe('BusCache', () => {
  it('drops every entry tagged with an id announced on any of its channels', () => {
    const { asBus, announce } = fakeBus();
    const cache = new BusCache<string>(asBus, ['chats', 'users'], LIMITS);
    cache.put('chat1', ['chat1', 'alice', 'bob'], 'one', 10, cache.stamp());
    cache.put('chat2', ['chat2', 'alice'], 'two', 10, cache.stamp());
    cache.put('chat3', ['chat3', 'carol'], 'three', 10, cache.stamp());
    announce('users', 'alice');
    expect([cache.get('chat1'), cache.get('chat2'), cache.get('chat3')]).toEqual([
      undefined,
      undefined,
      'three',
    ]);
    announce('chats', 'chat3');
    expect(cache.get('chat3')).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('keeps no read that a change overtook, and serves nothing while a channel is unconfirmed', () => {
    const { bus, asBus, announce } = fakeBus();
    const cache = new BusCache<string>(asBus, ['chats', 'users'], LIMITS);
    const before = cache.stamp();
    announce('chats', 'some other chat'); // arrives while the read runs
    cache.put('chat1', ['chat1'], 'stale?', 10, before);
    expect(cache.get('chat1')).toBeUndefined();

    cache.put('chat1', ['chat1'], 'fresh', 10, cache.stamp());
    bus.lost.add('users');
    expect(cache.get('chat1')).toBeUndefined();
    bus.lost.clear();
    // Dropped, not merely hidden: what was cached before the gap may have missed a change.
    expect(cache.get('chat1')).toBeUndefined();
    bus.lost.add('chats');
    cache.put('chat1', ['chat1'], 'fresh', 10, cache.stamp());
    bus.lost.clear();
    expect(cache.get('chat1')).toBeUndefined();
  });

  it('is bounded by bytes as well as by count, and forgets the evicted in its index', () => {
    const { asBus, announce } = fakeBus();
    const cache = new BusCache<string>(asBus, ['users'], {
      maxEntries: 1000,
      maxBytes: 20_000,
      ttlMs: 60_000,
    });
    for (let i = 0; i < 30; i++) {
      cache.put(`k${i}`, [`id${i}`, 'shared'], 'x', 1000, cache.stamp());
      cache.get('k0'); // in use: stays
    }
    const { entries, bytes } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(20_000);
    expect(entries).toBeLessThan(30);
    expect(cache.get('k0')).toBe('x');
    expect(cache.get('k1')).toBeUndefined();
    cache.put('huge', ['idH'], 'x', 50_000, cache.stamp());
    expect(cache.get('huge')).toBeUndefined();
    announce('users', 'shared');
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});
