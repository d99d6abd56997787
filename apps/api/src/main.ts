import 'reflect-metadata';
import { loadConfig } from '@zs/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.port);
  app.getHttpAdapter();
  console.log(JSON.stringify({ level: 'info', msg: `GraphQL API at http://localhost:${config.port}/graphql` }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
