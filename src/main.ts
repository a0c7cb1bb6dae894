// Entry point: `npm start` (ROLE=all: API, gateway and worker in one process), or one role.
import { ConfigError, isSelfHostedGateway, loadConfig } from './config';
import { createPlatform } from './platform';
import { runSelfHostedGateway } from './selfhosted/run';

async function main() {
  if (isSelfHostedGateway()) return runSelfHostedGateway();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const platform = createPlatform(config);
  const { log } = platform;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await platform.start();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
