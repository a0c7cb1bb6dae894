// scripts/dev.sh ends by saying where everything is (scripts/dev-ready.sh), not in log lines.
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { createTestEnv, type Env } from '../support/platform';
import { freePort, startPlatformProcess, type PlatformProcess } from '../support/processes';

let env: Env;
let drop: () => Promise<void>;
let proc: PlatformProcess;

beforeAll(async () => {
  const e = await createTestEnv();
  drop = e.drop;
  env = { ...e.env, METRICS_PORT: String(await freePort()) };
  proc = await startPlatformProcess(env, 'all');
});

afterAll(async () => {
  await proc.stop();
  await drop();
});

it('prints the API, docs, gateway and metrics URLs, where the secrets are, and a first command', async () => {
  const port = new URL(proc.url).port;
  const run = spawnSync('scripts/dev-ready.sh', [String(proc.child.pid)], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: port,
      GATEWAY_PORT: '8090',
      METRICS_PORT: env.METRICS_PORT,
    },
    encoding: 'utf8',
    timeout: 20000,
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`http://127.0.0.1:${port}`);
  expect(run.stdout).toContain('http://127.0.0.1:8090');
  expect(run.stdout).toContain(`http://127.0.0.1:${env.METRICS_PORT}/metrics`);
  expect(run.stdout).toContain('.secrets.dev.json');
  expect(run.stdout).toContain(`curl -s http://127.0.0.1:${port}/api/v1/auth/register`);
  expect(run.stdout).toContain(`http://127.0.0.1:${port}/docs`);
  expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${port}/openapi.json`)).status).toBe(200);
});
