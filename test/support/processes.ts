// Real processes for fault tests: the platform as `node --import tsx src/main.ts` in one
// role, and a private redis-server that a test may kill and restart. Every child is
// registered so that a test run that dies still kills what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import type { Env } from './platform';

const ROOT = path.resolve(__dirname, '../..');
const OUTPUT_LIMIT = 256 * 1024;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms until it holds; throws after `ms`. Resolves with the time taken. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
  return Date.now() - start;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
async function terminate(child: ChildProcess, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited(child);
  } finally {
    clearTimeout(timer);
  }
}

export type Role = 'all' | 'api' | 'worker';

export interface PlatformProcess {
  readonly child: ChildProcess;
  readonly role: Role;
  /** Base URL of the API listener (roles `all` and `api`). */
  readonly url: string;
  /** Everything the process wrote (pino JSON lines), up to the last 256 KiB. */
  output(): string;
  alive(): boolean;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** `src/main.ts` in a process of its own with exactly `env`, its output kept (the last 256 KiB). */
function spawnMain(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let out = '';
  const append = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > OUTPUT_LIMIT) out = out.slice(-OUTPUT_LIMIT);
  };
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return { child, output: () => out };
}

/**
 * Spawn the platform in `role` and, for roles that serve HTTP, wait until /ready answers 200.
 * `env` is a createTestEnv() environment; PORT/GATEWAY_PORT are chosen here.
 */
export async function startPlatformProcess(
  env: Env,
  role: Role,
  opts: { readyTimeoutMs?: number; port?: number } = {},
): Promise<PlatformProcess> {
  const port = opts.port ?? (await freePort());
  const { child, output } = spawnMain({
    ...process.env,
    ...env,
    ROLE: role,
    PORT: String(port),
    GATEWAY_PORT: String(await freePort()),
  });
  const proc: PlatformProcess = {
    child,
    role,
    url: `http://127.0.0.1:${port}`,
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill() {
      if (proc.alive()) child.kill('SIGKILL');
      await exited(child);
    },
    stop: (graceMs = 5000) => terminate(child, graceMs),
  };
  if (role !== 'worker') {
    try {
      await waitReady(proc, opts.readyTimeoutMs ?? 20000);
    } catch (err) {
      await proc.kill();
      throw err;
    }
  }
  return proc;
}

async function waitReady(proc: PlatformProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!proc.alive()) {
      throw new Error(`${proc.role} process exited early:\n${proc.output().slice(-4000)}`);
    }
    try {
      const res = await fetch(`${proc.url}/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(
    `${proc.role} process not ready in ${timeoutMs} ms:\n${proc.output().slice(-4000)}`,
  );
}

/** One PING over a fresh connection; true on +PONG within `ms`. */
export function redisPing(port: number, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
    socket.on('error', () => done(false));
  });
}

/** A private redis-server (no persistence) on a fixed port, so it can come back on it. */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  /** Start it again on the same port (after kill()); resolves once it answers PING. */
  async restart(timeoutMs = 5000): Promise<void> {
    if (this.running) throw new Error('redis-server is already running');
    const child = track(
      spawn(
        'redis-server',
        ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      ),
    );
    this.child = child;
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await redisPing(this.port)) return;
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** SIGKILL (all state is lost) and wait for the exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) child.kill('SIGKILL');
    await exited(child);
  }
}

export interface SelfHostedGatewayProcess {
  /** Base URL of its Telegram-style API (a client's apiRoot). */
  readonly url: string;
  output(): string;
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * The self-hosted gateway as an operator runs it: `ROLE=gateway` with UPSTREAM_URL and
 * BOT_KEYS_FILE only (no database, Redis or platform secrets in its environment).
 */
export async function startSelfHostedGateway(
  upstreamUrl: string,
  keysFile: string,
): Promise<SelfHostedGatewayProcess> {
  const port = await freePort();
  const { child, output } = spawnMain({
    PATH: process.env.PATH,
    ROLE: 'gateway',
    UPSTREAM_URL: upstreamUrl,
    BOT_KEYS_FILE: keysFile,
    GATEWAY_PORT: String(port),
  });
  try {
    await waitFor(() => {
      if (child.exitCode !== null)
        throw new Error(`gateway exited early:\n${output().slice(-4000)}`);
      return output().includes('self-hosted gateway listening');
    }, 20000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited(child);
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    stop: (graceMs = 5000) => terminate(child, graceMs),
  };
}
