import { parseArgs } from 'node:util';
import { CliFailure, UsageError } from './errors';
import { processIO, type CliIO } from './io';
import { runCheck, runMap } from './commands/map';
import { AgentError, RunCancelled } from '../agents/context';
import { LlmError } from '../llm/errors';
import { PathError } from '../core/layout';
import { VaultError } from '../vault/port';

const USAGE = `Usage:
  groundwork map <vault> [--json] [--write]
  groundwork check <vault> [--json]
  groundwork research <vault> <domain> [--url URL]... [--allow-host HOST]... [--max-sources N] [--dry-run] [--json]
  groundwork critique <vault> <domain> [--json]
  groundwork skeleton <vault> <domain> [--canvas] [--json]
  groundwork show <vault> <domain>
  groundwork signoff <vault> <domain> [--yes]
  groundwork run <vault> <domain> --task TEXT [--note PATH] [--json]
  groundwork inbox <vault> [--json] [--all]
  groundwork accept <vault> <proposal> [--option N]
  groundwork reject <vault> <proposal>
  groundwork undo <vault> [ENTRY]
  groundwork mcp <vault>
  groundwork hook claude-code --vault <vault>
  groundwork routines <vault> [--once | --watch] [--dry-run] [--json]
Model flags (research, critique, skeleton, run): --base-url URL --model NAME --no-cache --context-tokens N
Environment: OPENAI_BASE_URL, OPENAI_API_KEY, GROUNDWORK_MODEL, OPENAI_TIMEOUT_MS, GROUNDWORK_SEARCH_URL, GROUNDWORK_SOURCE_CHARS,
  GROUNDWORK_CONTEXT_TOKENS (the model's context window), GROUNDWORK_TEMPERATURE, GROUNDWORK_CHECKER_MODEL (critic and verifier),
  GROUNDWORK_ROUTINE_RUNS, GROUNDWORK_ROUTINE_TOKENS (routines: daily cap per domain)`;

const LLM_OPTIONS = {
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'context-tokens': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function llmFlags(p: Parsed) {
  return {
    baseUrl: p.values['base-url'] as string | undefined,
    model: p.values.model as string | undefined,
    noCache: p.values['no-cache'] === true,
    contextTokens: contextTokens(p.values['context-tokens'] as string | undefined),
    json: p.values.json === true,
  };
}

/** --context-tokens N: the model's context window; a bad value is a usage error, before any work. */
function contextTokens(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2048 || n > 10_000_000) throw new UsageError(`--context-tokens must be a whole number of tokens from 2048 up (the model's context window, e.g. 8192), not "${raw}"`);
  return raw;
}

/** `--allow-host HOST`: a host name or address, not a URL. */
function allowHosts(raw: string[] | undefined): string[] {
  return (raw ?? []).map((h) => {
    const host = h.trim().toLowerCase();
    if (host === '' || /[\s/@?#]/.test(host)) throw new UsageError(`--allow-host takes a host name or address (like 192.168.1.5 or wiki.lan), not "${h}"`);
    return host;
  });
}

/** GROUNDWORK_SOURCE_CHARS: the context budget per source, in characters. */
function sourceChars(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1000 || n > 200_000) throw new UsageError(`GROUNDWORK_SOURCE_CHARS must be a whole number from 1000 to 200000, not "${raw}"`);
  return n;
}

function positiveInt(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`${flag} must be a whole number from 1 to 100, not "${raw}"`);
  return n;
}

// The agent commands pull in the model client, the HTML reader and the full-text index; `map`
// and `check` need none of them, so those modules are evaluated only when an agent command runs.
const research = () => import('./commands/research');
const act = () => import('./commands/act');
const mcp = () => import('./commands/mcp');
const hook = () => import('./commands/hook');

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
    case 'research': {
      const p = parse(rest, { ...LLM_OPTIONS, url: { type: 'string', multiple: true }, 'allow-host': { type: 'string', multiple: true }, 'max-sources': { type: 'string' }, 'dry-run': { type: 'boolean' } });
      const [vault, domain] = positional(p, 2, 'research <vault> <domain>');
      return (await research()).runResearch(io, vault!, domain!, {
        ...llmFlags(p),
        urls: (p.values.url as string[] | undefined) ?? [],
        allowHosts: allowHosts(p.values['allow-host'] as string[] | undefined),
        maxSources: positiveInt(p.values['max-sources'] as string | undefined, '--max-sources', 10),
        dryRun: p.values['dry-run'] === true,
        searchEndpoint: io.env.GROUNDWORK_SEARCH_URL || undefined,
        maxChars: sourceChars(io.env.GROUNDWORK_SOURCE_CHARS),
      });
    }
    case 'critique': {
      const p = parse(rest, LLM_OPTIONS);
      const [vault, domain] = positional(p, 2, 'critique <vault> <domain>');
      return (await research()).runCritique(io, vault!, domain!, llmFlags(p));
    }
    case 'skeleton': {
      const p = parse(rest, { ...LLM_OPTIONS, canvas: { type: 'boolean' } });
      const [vault, domain] = positional(p, 2, 'skeleton <vault> <domain>');
      return (await research()).runSkeleton(io, vault!, domain!, { ...llmFlags(p), canvas: p.values.canvas === true });
    }
    case 'show': {
      const p = parse(rest, {});
      const [vault, domain] = positional(p, 2, 'show <vault> <domain>');
      return (await import('./commands/show')).runShow(io, vault!, domain!);
    }
    case 'signoff': {
      const p = parse(rest, { yes: { type: 'boolean' } });
      const [vault, domain] = positional(p, 2, 'signoff <vault> <domain>');
      return (await act()).runSignoff(io, vault!, domain!, { yes: p.values.yes === true });
    }
    case 'run': {
      const p = parse(rest, { ...LLM_OPTIONS, task: { type: 'string' }, note: { type: 'string' } });
      const [vault, domain] = positional(p, 2, 'run <vault> <domain> --task TEXT');
      const task = p.values.task as string | undefined;
      if (!task?.trim()) throw new UsageError('run needs --task TEXT: what the agent should do');
      return (await act()).runRun(io, vault!, domain!, { ...llmFlags(p), task, note: p.values.note as string | undefined });
    }
    case 'inbox': {
      const p = parse(rest, { json: { type: 'boolean' }, all: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'inbox <vault>');
      return (await act()).runInbox(io, vault!, { json: p.values.json === true, all: p.values.all === true });
    }
    case 'accept': {
      const p = parse(rest, { option: { type: 'string' } });
      const [vault, proposal] = positional(p, 2, 'accept <vault> <proposal>');
      const raw = p.values.option as string | undefined;
      return (await act()).runAccept(io, vault!, proposal!, { option: raw === undefined ? undefined : positiveInt(raw, '--option', 1) });
    }
    case 'reject': {
      const p = parse(rest, {});
      const [vault, proposal] = positional(p, 2, 'reject <vault> <proposal>');
      return (await act()).runReject(io, vault!, proposal!);
    }
    case 'undo': {
      const p = parse(rest, {});
      if (p.positionals.length < 1 || p.positionals.length > 2) throw new UsageError('expected undo <vault> [ENTRY]');
      return (await act()).runUndo(io, p.positionals[0]!, p.positionals[1]);
    }
    case 'mcp': {
      const [vault] = positional(parse(rest, {}), 1, 'mcp <vault>');
      return (await mcp()).runMcp(io, vault!);
    }
    case 'hook': {
      const p = parse(rest, { vault: { type: 'string' } });
      const [agent] = positional(p, 1, 'hook claude-code --vault <vault>');
      if (typeof p.values.vault !== 'string') throw new UsageError('hook needs --vault <vault>: the vault it guards');
      return (await hook()).runHook(io, agent!, p.values.vault);
    }
    case 'routines':
      return (await import('./commands/routines')).routinesCommand(io, rest);
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
    if (err instanceof RunCancelled || (err instanceof LlmError && err.kind === 'cancelled')) {
      io.err('groundwork: cancelled; notes written before the cancel are kept, nothing else was written');
      return 1;
    }
    if (err instanceof CliFailure || err instanceof VaultError || err instanceof PathError || err instanceof AgentError || err instanceof LlmError) {
      io.err(`groundwork: ${err.message}`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`groundwork: unexpected failure: ${message}`);
    if (io.env.GROUNDWORK_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
