import 'reflect-metadata';
import { loadConfig } from '@zs/config';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createWorkerApp(config);
  // SIGTERM/SIGINT: stop taking jobs, let the current ones finish, close connections, exit.
  app.enableShutdownHooks();
  await app.listen(config.workerPort);
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      service: 'worker',
      msg: `Worker running; health and metrics on port ${config.workerPort}`,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
