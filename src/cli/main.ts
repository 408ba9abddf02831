import { parseArgs } from 'node:util';
import { CliFailure, UsageError } from './errors';
import { processIO, type CliIO } from './io';
import { runCheck, runMap } from './commands/map';
import { PathError } from '../core/layout';
import { VaultError } from '../vault/port';

const USAGE = `Usage:
  groundwork map <vault> [--json] [--write]
  groundwork check <vault> [--json]`;

type Parsed = { positionals: string[]; values: Record<string, string | boolean | string[] | undefined> };

function parse(args: string[], options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean }>): Parsed {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

function positional(p: Parsed, count: number, names: string): string[] {
  if (p.positionals.length !== count) throw new UsageError(`expected ${names}`);
  return p.positionals;
}

async function dispatch(io: CliIO, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    case 'map': {
      const p = parse(rest, { json: { type: 'boolean' }, write: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'map <vault>');
      return runMap(io, vault!, { json: p.values.json === true, write: p.values.write === true });
    }
    case 'check': {
      const p = parse(rest, { json: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'check <vault>');
      return runCheck(io, vault!, { json: p.values.json === true });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs the CLI and returns its exit code; every failure becomes one line on stderr. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(io, argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`groundwork: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof CliFailure || err instanceof VaultError || err instanceof PathError) {
      io.err(`groundwork: ${err.message}`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`groundwork: unexpected failure: ${message}`);
    if (io.env.GROUNDWORK_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
