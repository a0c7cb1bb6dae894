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

// Found by the fuzzer: both routes read their query leniently (`?drop_pending_updates=yes`
// meant false, `?limit=abc` meant 50) while the document's schemas refuse such values.
describe('webhook query parameters are parsed by their documented schemas', () => {
  it('DELETE /webhook: drop_pending_updates is true or false, nothing else', async () => {
    const { http } = t.current;
    const { bot } = await userBotChat(http);
    const res = await http
      .delete('/api/v1/bot/webhook?drop_pending_updates=yes')
      .set(botAuth(bot))
      .expect(400);
    expect(res.body.error).toMatch(/^drop_pending_updates: /);
    await http
      .delete('/api/v1/bot/webhook?drop_pending_updates=false')
      .set(botAuth(bot))
      .expect(200);
    await http.delete('/api/v1/bot/webhook').set(botAuth(bot)).expect(200);
    // the credential is judged first
    await http.delete('/api/v1/bot/webhook?drop_pending_updates=yes').expect(401);
  });

  it('GET /webhook/attempts: limit is a whole number', async () => {
    const { http } = t.current;
    const { bot } = await userBotChat(http);
    for (const bad of ['abc', '%20', '-1', '1.5', '5&limit=6']) {
      const res = await http
        .get(`/api/v1/bot/webhook/attempts?limit=${bad}`)
        .set(botAuth(bot))
        .expect(400);
      expect(res.body.error).toMatch(/^limit: /);
    }
    const ok = await http.get('/api/v1/bot/webhook/attempts?limit=5').set(botAuth(bot)).expect(200);
    expect(ok.body).toEqual({ attempts: [] });
    await http.get('/api/v1/bot/webhook/attempts?limit=abc').expect(401);
  });
});
