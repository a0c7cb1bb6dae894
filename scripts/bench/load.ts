// A small closed-loop load generator on node:http with keep-alive: `concurrency` workers
// each send their next request as soon as the previous answer arrives, for `seconds`.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize } from './stats';

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

function once(agent: http.Agent, base: URL, r: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: r.method,
        path: r.path,
        agent,
        headers: r.headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export async function closedLoop(
  baseUrl: string,
  concurrency: number,
  seconds: number,
  next: (worker: number, i: number) => LoadRequest,
) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now();
        const status = await once(agent, base, next(w, i));
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    rps: Math.round(latencies.length / elapsed),
    ...summarize(latencies),
    statuses: Object.fromEntries(statuses),
  };
}
