import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { startTestApp, type TestApp } from './support/harness';
import { schemaSdl } from '../apps/api/src/schema/schema-sdl';

/** schema.graphql is what partner developers read: it must be the schema the api serves. */
describe('schema.graphql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('is current (run `npm run schema:print` after changing the API)', async () => {
    const file = readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8');
    const served = `${printSchema(lexicographicSortSchema(t.app.get(GraphQLSchemaHost).schema))}\n`;
    expect(file).toBe(served);
    expect(await schemaSdl()).toBe(served);
  });
});
