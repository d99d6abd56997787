import type { AppConfig } from '@zs/config';
import { runCli } from '../../../apps/cli/src/run';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs a CLI command in-process (same code path as `npm run cli -- …`) against `config`'s database. */
export async function cli(config: AppConfig, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { config, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
