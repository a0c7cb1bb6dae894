import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { HashSlots } from './hash-slots';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

// OWASP's scrypt baseline: N=2^15, r=8, p=1 (32 MiB per hash).
const PARAMS = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 32;
const maxmem = (N: number, r: number) => 256 * N * r;

/** `scrypt$N$r$p$salt$hash`, all parameters stored so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = PARAMS;
  const key = await scrypt(password, salt, KEY_LEN, { N, r, p, maxmem: maxmem(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: R,
    p: Number(p),
    maxmem: maxmem(N, R),
  });
  return timingSafeEqual(key, expected);
}

/**
 * A real hash of a random password: verifying against it costs what a real check costs,
 * so "unknown user" and "wrong password" take the same time.
 */
export const dummyHash = hashPassword(randomBytes(16).toString('hex'));

/** Password hashing within the process's hash slots (see hash-slots.ts), shared per client. */
export class PasswordHasher {
  constructor(private readonly slots: HashSlots) {}

  hash(password: string, client: string): Promise<string> {
    return this.slots.run(client, () => hashPassword(password));
  }

  /** Without a stored hash (an unknown user) the check still runs, against `dummyHash`. */
  async verify(password: string, stored: string | null | undefined, client: string) {
    const against = stored ?? (await dummyHash);
    const ok = await this.slots.run(client, () => verifyPassword(password, against));
    return ok && Boolean(stored);
  }
}
