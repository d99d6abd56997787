import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import type { DynamicModule, Type } from '@nestjs/common';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { loadConfig } from '@zs/config';
import { AppModule } from '../app.module';
import { BUILD_SCHEMA_OPTIONS } from '../graphql-options';

const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | undefined;

/** Every resolver class reachable from the api's module tree (the same set Nest gives Apollo). */
async function resolversOf(root: ModuleRef, seen = new Set<unknown>(), out = new Set<Type>()): Promise<Type[]> {
  const mod = await root;
  if (!mod || seen.has(mod)) return [...out];
  seen.add(mod);
  const cls = typeof mod === 'function' ? mod : mod.module;
  const dynamic = typeof mod === 'function' ? undefined : mod;
  const imports = [...((Reflect.getMetadata('imports', cls) as ModuleRef[]) ?? []), ...(dynamic?.imports ?? [])];
  const providers = [...((Reflect.getMetadata('providers', cls) as unknown[]) ?? []), ...(dynamic?.providers ?? [])];
  for (const p of providers) {
    if (typeof p === 'function' && Reflect.hasMetadata(RESOLVER_TYPE_METADATA, p)) out.add(p as Type);
  }
  for (const i of imports) await resolversOf(i as ModuleRef, seen, out);
  return [...out];
}

/**
 * The api's schema as SDL, built from its resolvers without a database or Redis, sorted as the
 * running api sorts it. `schema.graphql` at the repository root is this text (test/schema-file checks it).
 */
export async function schemaSdl(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://unused' });
  const resolvers = await resolversOf(AppModule.forRoot(config));
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(resolvers, BUILD_SCHEMA_OPTIONS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
