import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaSdl } from './schema-sdl';

// `npm run schema:print`: writes the SDL partner developers read to schema.graphql at the repository root.
void schemaSdl().then(
  (sdl) => {
    const file = path.resolve(__dirname, '../../../../../schema.graphql');
    writeFileSync(file, sdl);
    process.stdout.write(`wrote ${file}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
