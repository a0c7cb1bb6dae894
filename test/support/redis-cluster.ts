// A throwaway Redis Cluster for the cluster tests: 3 masters and 3 replicas of Debian's
// redis-server on loopback ports, each in its own temp dir (nodes.conf lives there). Every
// node is killed by stop(), and by an exit hook should the test run die first.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { redisPing, sleep } from './processes';

const run = promisify(execFile);
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Milliseconds before a silent master is declared failed and its replica promoted. */
export const NODE_TIMEOUT_MS = 1000;

export class RedisCluster {
  private readonly children = new Map<number, ChildProcess>();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'quanta-cluster-'));

  private constructor(readonly ports: number[]) {}

  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  static async start(basePort: number, size = 6): Promise<RedisCluster> {
    const cluster = new RedisCluster([...Array(size)].map((_, i) => basePort + i));
    try {
      await Promise.all(cluster.ports.map((p) => cluster.spawnNode(p)));
      await run('redis-cli', [
        '--cluster',
        'create',
        ...cluster.ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ]);
      await cluster.waitOk(cluster.ports, 20000);
      return cluster;
    } catch (err) {
      cluster.stop();
      throw err;
    }
  }

  private async spawnNode(port: number): Promise<void> {
    const dir = path.join(this.dir, String(port));
    await run('mkdir', ['-p', dir]);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    live.add(child);
    child.once('exit', () => live.delete(child));
    this.children.set(port, child);
    const end = Date.now() + 5000;
    while (!(await redisPing(port))) {
      if (Date.now() > end) throw new Error(`redis-server on ${port} did not start`);
      await sleep(50);
    }
  }

  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
    return stdout;
  }

  /** Resolves once every node in `ports` reports cluster_state:ok; the time it took. */
  async waitOk(ports: number[], ms: number): Promise<number> {
    const start = Date.now();
    for (;;) {
      const states = await Promise.all(
        ports.map((p) => this.cli(p, 'cluster', 'info').catch(() => '')),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) return Date.now() - start;
      if (Date.now() - start > ms) throw new Error('cluster not ok in time');
      await sleep(50);
    }
  }

  /**
   * Resolves once a replica of the killed `victim` has been promoted and every survivor says
   * cluster_state:ok (right after a kill they still do: the failure is not yet noticed).
   */
  async waitPromoted(victim: number, survivors: number[], ms: number): Promise<number> {
    const start = Date.now();
    for (;;) {
      const masters = await this.masters(survivors[0]).catch((): number[] => []);
      if (masters.length === 3 && !masters.includes(victim)) break;
      if (Date.now() - start > ms) throw new Error('no replica promoted in time');
      await sleep(50);
    }
    await this.waitOk(survivors, Math.max(0, ms - (Date.now() - start)));
    return Date.now() - start;
  }

  /** Ports of the current masters, as `port` sees the cluster. */
  async masters(port = this.ports[0]!): Promise<number[]> {
    const out = await this.cli(port, 'cluster', 'nodes');
    return out
      .split('\n')
      .filter((l) => /\bmaster\b/.test(l) && !/\bfail\b/.test(l))
      .map((l) => Number(/:(\d+)@/.exec(l)![1]));
  }

  /** SIGKILL one node (no goodbye: its replica must notice and take over). */
  kill(port: number): void {
    this.children.get(port)?.kill('SIGKILL');
  }

  stop(): void {
    for (const child of this.children.values()) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
