import { parseArgs } from 'node:util';
import { describeError } from '../core/errors';
import { UsageError } from './errors';
import type { CliIO } from './io';

/**
 * One command's row, its help and how it is run and reported. Apart from the command table
 * (main.ts) so that a bundle of one command (the hook's, dist/hook.cjs) parses, helps and fails
 * exactly as the whole CLI does without loading the others.
 */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  example: string;
  run(io: CliIO, args: string[]): Promise<number>;
}

export type Parsed = { positionals: string[]; values: Record<string, string | boolean | string[] | undefined> };

export function parse(args: string[], options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean }>): Parsed {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function positional(p: Parsed, count: number, names: string): string[] {
  if (p.positionals.length !== count) throw new UsageError(`expected ${names}`);
  return p.positionals;
}

export const MODEL_HELP = `Model flags (research, critique, skeleton, run): --base-url URL --model NAME --no-cache --context-tokens N
Environment: OPENAI_BASE_URL, OPENAI_API_KEY, GROUNDWORK_MODEL, OPENAI_TIMEOUT_MS, GROUNDWORK_SEARCH_URL, GROUNDWORK_SOURCE_CHARS,
  GROUNDWORK_CONTEXT_TOKENS (the model's context window), GROUNDWORK_TEMPERATURE, GROUNDWORK_CHECKER_MODEL (critic and verifier),
  GROUNDWORK_ROUTINE_RUNS, GROUNDWORK_ROUTINE_TOKENS (routines: daily cap per domain)`;

export function commandHelp(c: CommandSpec): string {
  return [`Usage: groundwork ${c.usage}`, '', c.summary, '', 'Example:', `  ${c.example}`, '', MODEL_HELP].join('\n');
}

/** Runs one command's arguments (after its name): its help, or the command itself. */
export async function runCommand(io: CliIO, spec: CommandSpec, rest: string[]): Promise<number> {
  // --help anywhere before a bare "--" asks for help, whatever else is on the line.
  const end = rest.indexOf('--');
  if ((end < 0 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    io.out(commandHelp(spec));
    return 0;
  }
  try {
    return await spec.run(io, rest);
  } catch (err) {
    if (err instanceof UsageError && err.command === undefined) throw new UsageError(err.message, spec.name);
    throw err;
  }
}

/**
 * Every failure as one line on stderr and its exit code; a usage error adds the usage of its
 * command (found in `commands`), or `usage()` when it names none.
 */
export function reportFailure(io: CliIO, err: unknown, commands: CommandSpec[], usage: () => string): number {
  // The same mapping as the plugin's notices and the MCP server's failures (core/errors.ts).
  const d = describeError(err);
  if (d.category === 'usage') {
    const spec = err instanceof UsageError ? commands.find((c) => c.name === err.command) : undefined;
    io.err(`groundwork: ${d.message}\n${spec ? `Usage: groundwork ${spec.usage}\n(groundwork ${spec.name} --help for more)` : usage()}`);
    return 2;
  }
  io.err(`groundwork: ${d.message}`);
  if (d.category === 'unexpected' && io.env.GROUNDWORK_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
  return 1;
}
