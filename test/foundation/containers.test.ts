// What `docker compose up` relies on, checked without Docker (the test machines have no
// compose plugin and no registry for images): one command writes every secret the compose
// file requires, Postgres requires a password, and the runtime image holds production
// dependencies only, running the compiled migrator rather than tsx.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/infra/paths';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

function writeSecrets(): { file: string; env: Record<string, string> } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'compose-')), '.env');
  execFileSync(path.join(PROJECT_ROOT, 'scripts/compose-secrets.sh'), [file]);
  const env = Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { file, env };
}

describe('docker compose', () => {
  const compose = read('docker-compose.yml');
  const spec = parseYaml(compose, { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
  };

  it('needs only what scripts/compose-secrets.sh writes, which production accepts', () => {
    const { file, env } = writeSecrets();
    const required = [...new Set([...compose.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!))];
    expect(required.sort()).toEqual(Object.keys(env).sort());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Re-running keeps the values (a new MASTER_KEY would orphan sealed secrets).
    execFileSync(path.join(PROJECT_ROOT, 'scripts/compose-secrets.sh'), [file]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(required.length);
    expect(readFileSync(file, 'utf8')).toContain(`MASTER_KEY=${env.MASTER_KEY}`);

    const dbUrl = spec.services.migrate!.environment!.DATABASE_URL!.replace(
      /\$\{POSTGRES_PASSWORD:\?[^}]*\}/,
      env.POSTGRES_PASSWORD!,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      JWT_SECRET: env.JWT_SECRET,
      MASTER_KEY: env.MASTER_KEY,
      GATEWAY_KEY: env.GATEWAY_KEY,
    });
    expect(new URL(config.DATABASE_URL).password).toBe(env.POSTGRES_PASSWORD);
  });

  it('runs Postgres with a password, and the app connects with it', () => {
    const postgres = spec.services.postgres!.environment!;
    expect(postgres.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(postgres.POSTGRES_HOST_AUTH_METHOD).toBeUndefined();
    for (const name of ['migrate', 'api', 'worker']) {
      expect(spec.services[name]!.environment!.DATABASE_URL).toContain(':${POSTGRES_PASSWORD:?');
    }
  });

  it('migrates with the compiled migrator, which the build emits', () => {
    expect(spec.services.migrate!.command).toEqual(['node', 'dist/scripts/migrate.js']);
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    expect(build.include).toContain('scripts/migrate.ts');
  });
});

describe('the Dockerfile', () => {
  const stages = read('Dockerfile')
    .split(/^FROM /m)
    .slice(1)
    .map((s) => `FROM ${s}`);

  it('builds in stages, and the runtime image takes production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const deps = stages.find((s) => / AS deps\b/.test(s.split('\n')[0]!))!;
    expect(deps).toMatch(/npm ci --omit=dev --omit=optional/);
    const runtime = stages.at(-1)!;
    expect(runtime).toContain('COPY --from=deps /app/node_modules ./node_modules');
    // Nothing else from the build stage but compiled output.
    const fromBuild = [...runtime.matchAll(/COPY --from=build (\S+)/g)].map((m) => m[1]);
    expect(fromBuild).toEqual(['/app/dist']);
    expect(runtime).not.toMatch(/\b(tsx|npm run)\b/);
  });
});
