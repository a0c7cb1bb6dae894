// METRICS_ENABLED=false: the platform serves as usual, with no metrics listener and no
// per-request histogram (what `npm run bench metrics` compares against).
import { registry } from '../../src/infra/metrics';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let live: TestPlatform;
let port: number;
let metricsPort: number;
beforeAll(async () => {
  live = await startTestPlatform({ METRICS_ENABLED: 'false' });
  ({ port, metricsPort } = (await live.platform.start()) as { port: number; metricsPort: number });
});
afterAll(async () => {
  await live?.close();
});

const healthSamples = async () =>
  (await registry.getSingleMetric('http_request_duration_seconds')!.get()).values.filter(
    (v) => v.labels.route === '/api/v1/auth/login',
  ).length;

it('answers requests, records no request durations and opens no metrics port', async () => {
  const before = await healthSamples();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'nobody', password: 'wrong-password-1' }),
  });
  expect(res.status).toBe(401);
  expect(await healthSamples()).toBe(before);
  expect(metricsPort).toBe(0);
});
