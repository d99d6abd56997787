import type { AppConfig } from '@zs/config';
import { runCli } from '../../apps/cli/src/run';
import type { TestApp } from './test-app';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs a CLI command in-process (same code path as `npm run cli -- …`). Given a config, against that
 * config's database; given a test app, against the app's database — on the embedded database inside
 * the running app, since a second process is refused there (the lock is tested on its own).
 */
export async function cli(target: AppConfig | TestApp, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code =
    'app' in target
      ? await runCli(argv, target.embedded ? { context: target.app, io } : { config: target.config, io })
      : await runCli(argv, { config: target, io });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
