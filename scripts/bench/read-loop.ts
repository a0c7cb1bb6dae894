// The 100-row read as both sides of `npm run bench read` time it: one client (node:http,
// keep-alive), one request at a time, each answer parsed and its rows counted. The floor
// and the platform used to be read by different clients (node:http without parsing against
// fetch with JSON.parse), which put ~1.4 ms of client CPU into the platform's p50 only.
import { request } from './http';
import { performance } from 'node:perf_hooks';
import { summarize } from './stats';

/**
 * 330 reads of `url` (the first 30 warm up); `rows` picks the answer's list, of 100. `last`
 * is the last answer's list (the platform's updates seed the floor's read of rows like them).
 */
export async function timedReads(
  url: string,
  headers: Record<string, string>,
  rows: (answer: Record<string, unknown>) => unknown,
) {
  const samples: number[] = [];
  let last: unknown[] = [];
  for (let i = 0; i < 330; i++) {
    const t0 = performance.now();
    const r = await request(url, { headers });
    if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
    const answer = JSON.parse(r.body) as Record<string, unknown>;
    const list = rows(answer);
    if (!Array.isArray(list) || list.length !== 100) {
      throw new Error(`expected 100 rows from ${url}, got ${JSON.stringify(answer).slice(0, 200)}`);
    }
    if (i >= 30) samples.push(performance.now() - t0);
    last = list;
  }
  return { ...summarize(samples), last };
}
