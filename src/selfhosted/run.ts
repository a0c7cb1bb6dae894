// ROLE=gateway: only the self-hosted gateway, with no database, Redis or platform secrets.
import pino from 'pino';
import { ConfigError, loadSelfHostedConfig, type SelfHostedConfig } from '../config';
import { readBotKeys } from './bot-keys';
import { selfHostedGateway } from './gateway-app';

export async function runSelfHostedGateway(): Promise<void> {
  let config: SelfHostedConfig;
  let keys;
  try {
    config = loadSelfHostedConfig();
    keys = readBotKeys(config.BOT_KEYS_FILE);
  } catch (err) {
    console.error(
      err instanceof ConfigError ? err.message : `BOT_KEYS_FILE: ${(err as Error).message}`,
    );
    process.exit(1);
  }
  const log = pino({ level: config.LOG_LEVEL });
  const app = selfHostedGateway(config.UPSTREAM_URL, keys, log);
  const server = app.listen(config.GATEWAY_PORT, config.HOST);
  await new Promise<void>((ready, failed) => {
    server.once('listening', ready);
    server.once('error', failed);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.GATEWAY_PORT;
  log.info(
    { port, upstream: new URL(config.UPSTREAM_URL).origin },
    'self-hosted gateway listening',
  );
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
