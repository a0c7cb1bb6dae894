import { verifyWebhook } from '../../src/domain/webhooks/verify';
import { signPayload } from '../../src/domain/webhooks/signature';
import { openSecret } from '../../src/domain/crypto/secret-box';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();

describe('signing keys', () => {
  it('rotates: the new key signs, the old one keeps verifying during the grace period', async () => {
    const { platform, http } = t.current;
    const keys = platform.services.signingKeys;
    const old = await keys.active();
    const body = '{"update_id":1}';
    const headersBy = (signer: typeof old.signer) => ({
      'webhook-id': 'msg_x',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signPayload({
        id: 'msg_x',
        timestamp: Math.floor(Date.now() / 1000),
        body,
        secret: Buffer.alloc(32, 1),
        signingKey: signer,
      }),
    });
    const signedByOld = headersBy(old.signer);

    const fresh = await keys.rotate(72);
    expect(fresh.whpk).not.toBe(old.whpk);
    expect((await keys.active()).whpk).toBe(fresh.whpk);

    const res = await http.get('/api/v1/bot/webhook/public-key').expect(200);
    expect(res.body.whpk).toBe(fresh.whpk);
    expect(res.body.keys.map((k: { whpk: string }) => k.whpk)).toEqual([fresh.whpk, old.whpk]);
    expect(res.body.keys[1].expires_at).not.toBeNull();

    const all = res.body.keys.map((k: { whpk: string }) => k.whpk);
    expect(() => verifyWebhook({ headers: signedByOld, body, publicKeys: all })).not.toThrow();
    expect(() =>
      verifyWebhook({ headers: headersBy(fresh.signer), body, publicKeys: all }),
    ).not.toThrow();
    expect(() => verifyWebhook({ headers: signedByOld, body, publicKeys: [fresh.whpk] })).toThrow();

    // With no grace, a rotated key stops being published.
    await keys.rotate(0);
    const after = await http.get('/api/v1/bot/webhook/public-key').expect(200);
    expect(after.body.keys.map((k: { whpk: string }) => k.whpk)).not.toContain(fresh.whpk);
  });

  it('keeps the secret half sealed at rest', async () => {
    const { platform } = t.current;
    await platform.services.signingKeys.active();
    const rows = await platform.db.signingKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const secretKey = openSecret(platform.config.MASTER_KEY, r.secretKeySealed);
      // The opened key is the real one (its public half is the published key)...
      expect(Buffer.from(secretKey.subarray(32)).equals(Buffer.from(r.publicKey))).toBe(true);
      // ...and its secret half appears nowhere in the stored bytes.
      expect(Buffer.from(r.secretKeySealed).includes(secretKey.subarray(0, 32))).toBe(false);
    }
  });
});
