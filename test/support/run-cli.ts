import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process from source, capturing its streams. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    progress: () => {},
    env,
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export const BIN = path.resolve(__dirname, '../../bin/groundwork.cjs');

/** Runs the installed bin as a person would, a real process (needs `npm run build`). */
export function runBin(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
