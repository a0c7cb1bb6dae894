// The platform's Ed25519 webhook signing keys: one active, rotated ones verifying for a grace
// period. Secret halves are sealed under MASTER_KEY.
import type { Db } from '../../infra/db/prisma';
import { openSecret, sealSecret } from '../crypto/secret-box';
import { ed25519Signer, generateSigningKeyPair, toWhpk, type Ed25519Signer } from './signature';

export interface ActiveKey {
  id: string;
  whpk: string;
  signer: Ed25519Signer;
}

/** A key receivers may verify with; retired ones carry the end of their grace period. */
export interface VerifyingKey {
  id: string;
  publicKey: Uint8Array;
  whpk: string;
  createdAt: Date;
  active: boolean;
  expiresAt: Date | null;
}

const CACHE_MS = 30_000;
// Serialises first-key creation and rotation across processes.
const KEYS_LOCK = 0x51_4b_45_59;

export class SigningKeysService {
  private cached?: { key: ActiveKey; at: number };

  constructor(
    private readonly db: Db,
    private readonly masterKey: Uint8Array,
  ) {}

  /** The key deliveries sign with (created on first use); cached briefly per process. */
  async active(): Promise<ActiveKey> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.key;
    const row =
      (await this.db.signingKey.findFirst({
        where: { retiredAt: null },
        orderBy: { createdAt: 'desc' },
      })) ?? (await this.createIfNone());
    const key = {
      id: row.id,
      whpk: toWhpk(row.publicKey),
      signer: ed25519Signer(openSecret(this.masterKey, row.secretKeySealed)),
    };
    this.cached = { key, at: Date.now() };
    return key;
  }

  private createIfNone() {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEYS_LOCK})`;
      const existing = await tx.signingKey.findFirst({ where: { retiredAt: null } });
      return existing ?? tx.signingKey.create({ data: this.newKeyData() });
    });
  }

  private newKeyData() {
    const pair = generateSigningKeyPair();
    return {
      publicKey: new Uint8Array(pair.publicKey),
      secretKeySealed: new Uint8Array(sealSecret(this.masterKey, pair.secretKey)),
    };
  }

  /** Retire the active key (it verifies for `graceHours` more) and start a new one. */
  async rotate(graceHours: number): Promise<ActiveKey> {
    await this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEYS_LOCK})`;
      const now = new Date();
      await tx.signingKey.updateMany({
        where: { retiredAt: null },
        data: { retiredAt: now, expiresAt: new Date(now.getTime() + graceHours * 3600_000) },
      });
      await tx.signingKey.create({ data: this.newKeyData() });
    });
    this.cached = undefined;
    return this.active();
  }

  /** Every key a receiver should accept now: the active one first, then those in grace. */
  async verifying(): Promise<VerifyingKey[]> {
    await this.active();
    const rows = await this.db.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((r) => ({
      id: r.id,
      publicKey: r.publicKey,
      whpk: toWhpk(r.publicKey),
      createdAt: r.createdAt,
      active: r.retiredAt === null,
      expiresAt: r.expiresAt,
    }));
  }
}
