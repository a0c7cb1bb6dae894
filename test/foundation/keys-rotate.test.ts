// `npm run keys:rotate` without a database says so in one line, not a stack trace.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PROJECT_ROOT } from '../../src/infra/paths';
import { freePort } from '../support/processes';

it('keys:rotate without a database prints one line naming DATABASE_URL and exits 1', async () => {
  const port = await freePort(); // nothing listens there
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-signing-key.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      // Given, so no development secrets file is written for this run.
      JWT_SECRET: randomBytes(32).toString('base64url'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      DATABASE_URL: `postgresql://postgres:hunter2hunter2@127.0.0.1:${port}/quanta`,
    },
    encoding: 'utf8',
    timeout: 30000,
  });
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^keys:rotate failed: .*DATABASE_URL=postgresql:\/\/postgres:\*\*\*@/);
  expect(run.stderr).not.toContain('hunter2');
});
