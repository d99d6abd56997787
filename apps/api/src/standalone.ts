import 'reflect-metadata';
import { ConfigValidationError } from '@zs/config';
import { StartupError, startPlatform, startupBanner } from './standalone/platform';

/**
 * `npm start`: the whole platform in one process with nothing to install but Node (and a
 * redis-server on PATH unless REDIS_URL is set). Production runs start:api and start:worker instead.
 */
const STOP_DEADLINE_MS = 20_000;

async function main(): Promise<void> {
  const platform = await startPlatform();
  console.log(startupBanner(platform));

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      console.log(`\n${signal} again: stopping now`);
      process.exit(1);
    }
    shuttingDown = true;
    console.log(`\n${signal}: finishing jobs in progress and stopping…`);
    // Whatever has died (the private redis-server, the database), the process ends in bounded time;
    // nothing is lost by it: committed work is in the database, unfinished jobs run again.
    setTimeout(() => {
      console.error(`did not stop within ${STOP_DEADLINE_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof StartupError || err instanceof ConfigValidationError) console.error(err.message);
  else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
