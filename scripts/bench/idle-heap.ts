// What an idle api process holds: starts one (role api), takes a V8 heap snapshot of it
// (SIGUSR2), and prints its RSS, the snapshot's total, the largest constructors and the
// largest strings (module sources, mostly). `tsx scripts/bench/idle-heap.ts` after
// `npm run build`.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBenchEnv, startServer } from './env';
import { rssMb } from './idle';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function snapshot(pid: number, dir: string): Promise<string> {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await sleep(500);
    const done = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (!done) continue;
    // Written in place: wait until its size settles.
    const file = path.join(dir, done);
    const size = statSync(file).size;
    await sleep(1500);
    if (size > 0 && statSync(file).size === size) return file;
  }
  throw new Error('no heap snapshot written');
}

function report(file: string): void {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKind = new Map<string, number>();
  const strings: [number, string][] = [];
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + typeAt!]!]!;
    const name = s.strings[s.nodes[i + nameAt!]!]!;
    const size = s.nodes[i + sizeAt!]!;
    total += size;
    const isString = type.endsWith('string');
    const key = isString ? type : `${type}:${name.slice(0, 50)}`;
    byKind.set(key, (byKind.get(key) ?? 0) + size);
    if (isString && size > 50_000) strings.push([size, name.slice(0, 80).replace(/\s+/g, ' ')]);
  }
  const mb = (n: number) => (n / 1e6).toFixed(2).padStart(6);
  console.log(`heap snapshot: ${mb(total)} MB`);
  for (const [k, v] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${mb(v)}  ${k}`);
  }
  console.log('largest strings:');
  for (const [size, text] of strings.sort((a, b) => b[0] - a[0]).slice(0, 15)) {
    console.log(`${mb(size)}  ${text}`);
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'idle-heap-'));
  process.env.BENCH_NODE_FLAGS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
  const env = await createBenchEnv();
  const server = await startServer(env.env, 'api');
  try {
    await sleep(3000);
    console.log(`idle RSS: ${rssMb(server.child.pid!)} MB`);
    const file = await snapshot(server.child.pid!, dir);
    if (process.env.HEAP_KEEP) copyFileSync(file, process.env.HEAP_KEEP);
    report(file);
  } finally {
    await server.stop();
    await env.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
