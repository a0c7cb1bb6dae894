// A refusal that a setting would lift names the setting, at set time (400) and at delivery.
import { SsrfBlockedError } from '../../src/domain/webhooks/ssrf';
import { useTestPlatform } from '../support/platform';
import { botAuth, userBotChat } from '../support/fixtures';

const t = useTestPlatform({ WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOW_PRIVATE: 'false' });

describe('webhook refusals name the setting that would allow them', () => {
  it('a private address: WEBHOOK_ALLOW_PRIVATE', async () => {
    const { bot } = await userBotChat(t.current.http);
    const res = await t.current.http
      .put('/api/v1/bot/webhook')
      .set(botAuth(bot))
      .send({ url: 'https://127.0.0.1:8443/hook' })
      .expect(400);
    expect(res.body.error).toMatch(
      /is not a public address \(set WEBHOOK_ALLOW_PRIVATE=true for local development\)/,
    );
  });

  it('plain http: WEBHOOK_ALLOW_HTTP', async () => {
    const { bot } = await userBotChat(t.current.http);
    const res = await t.current.http
      .put('/api/v1/bot/webhook')
      .set(botAuth(bot))
      .send({ url: 'http://example.com/hook' })
      .expect(400);
    expect(res.body.error).toMatch(/\(set WEBHOOK_ALLOW_HTTP=true for local development\)/);
  });

  it('a name resolving to a private address at delivery: WEBHOOK_ALLOW_PRIVATE', () => {
    expect(new SsrfBlockedError('10.0.0.7', 'hooks.example').message).toMatch(
      /not a public address \(set WEBHOOK_ALLOW_PRIVATE=true for local development\)$/,
    );
  });
});
