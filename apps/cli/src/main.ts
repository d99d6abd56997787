import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadConfig } from '@zs/config';
import { CliModule } from './cli.module';
import { type Args, COMMANDS, UsageError, describeError } from './commands';

/** `--name value`, `--name=value` and bare `--flag`. */
export function parseOptions(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      out[arg.slice(2)] = argv[++i];
    } else {
      out[arg.slice(2)] = true;
    }
  }
  return out;
}

function help(): string {
  return ['Usage: npm run cli -- <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name ? `Unknown command: ${name}\n\n${help()}` : help());
    return name ? 2 : 0;
  }
  let app;
  try {
    const values = parseOptions(rest);
    const config = loadConfig();
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
    console.log(await command.run(app, values));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nUsage: npm run cli -- ${command.usage}`);
      return 2;
    }
    console.error(err instanceof ConfigValidationError ? err.message : describeError(err));
    return 1;
  } finally {
    await app?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
