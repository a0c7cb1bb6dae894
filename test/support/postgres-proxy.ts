// A platform process that reaches its test database through a TcpProxy, so a test can cut,
// reset or hold Postgres' traffic without touching the machine's shared server.
import { createTestEnv, type Env } from './platform';
import { startPlatformProcess, type PlatformProcess } from './processes';
import { TcpProxy } from './tcp-proxy';

export interface ProxiedPlatform {
  proc: PlatformProcess;
  proxy: TcpProxy;
  close(): Promise<void>;
}

export async function startBehindPostgresProxy(
  overrides: Env,
  role: Parameters<typeof startPlatformProcess>[1],
): Promise<ProxiedPlatform> {
  const { env, drop } = await createTestEnv();
  const direct = new URL(env.DATABASE_URL!);
  const proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(direct);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  let proc: PlatformProcess;
  try {
    proc = await startPlatformProcess(
      { ...env, DATABASE_URL: proxied.toString(), ...overrides },
      role,
    );
  } catch (err) {
    await proxy.close();
    await drop();
    throw err;
  }
  return {
    proc,
    proxy,
    async close() {
      await proc.stop(3000);
      await proxy.close();
      await drop();
    },
  };
}
