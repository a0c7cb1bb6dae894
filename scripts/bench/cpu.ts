// Where the CPU goes during a load run: seconds used by the server process, by every
// PostgreSQL and Redis process, and by this bench (the load generator), read from /proc.
// On a small machine they all share the same cores, so this is what bounds throughput.
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of a process, in seconds (0 if it is gone). */
export function cpuSeconds(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

function commandOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** CPU seconds of every process whose command starts with `name`. */
function byCommand(name: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (commandOf(pid)?.startsWith(name)) total += cpuSeconds(pid);
  }
  return total;
}

/** CPU seconds so far of the server, of Postgres and Redis, and of this process. */
export function snapshot(serverPid: number) {
  const self = process.cpuUsage();
  return {
    server: cpuSeconds(serverPid),
    postgres: byCommand('postgres'),
    redis: byCommand('redis-server'),
    load_generator: (self.user + self.system) / 1e6,
  };
}

export type CpuShare = ReturnType<typeof snapshot>;

/** Runs `fn` and reports the CPU milliseconds each party spent per request it made. */
export async function cpuPerRequest<T extends { n: number }>(
  serverPid: number,
  fn: () => Promise<T>,
): Promise<T & { cpu_ms_per_request: CpuShare }> {
  const before = snapshot(serverPid);
  const result = await fn();
  const after = snapshot(serverPid);
  const per = (k: keyof CpuShare) => Math.round(((after[k] - before[k]) / result.n) * 1e6) / 1e3;
  return {
    ...result,
    cpu_ms_per_request: {
      server: per('server'),
      postgres: per('postgres'),
      redis: per('redis'),
      load_generator: per('load_generator'),
    },
  };
}
