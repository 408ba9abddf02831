import { UsageError } from './errors';
import { commandHelp, parse, positional, reportFailure, runCommand, MODEL_HELP, type CommandSpec, type Parsed } from './command';
import { HOOK_COMMAND } from './hook-command';
import { processIO, type CliIO } from './io';
import { runCheck, runMap } from './commands/map';
import { version } from '../../package.json';

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

/**
 * One row per command: its usage line, what it does, an example, and how it runs. `--help`,
 * the usage on a bad call and the README's list all come from here, so a new command gets its
 * help by adding its row.
 */
export type { CommandSpec };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'map',
    usage: 'map <vault> [--json] [--write]',
    summary: 'Print the autonomy map: every domain by zone, its stage, blockers and pending proposals. --write also writes Groundwork/Autonomy map.md.',
    example: 'groundwork map ~/Notes --json',
    run: async (io, rest) => {
      const p = parse(rest, { json: { type: 'boolean' }, write: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'map <vault>');
      return runMap(io, vault!, { json: p.values.json === true, write: p.values.write === true });
    },
  },
  {
    name: 'check',
    usage: 'check <vault> [--json]',
    summary: 'List every frontmatter problem, per file; exit 1 if there is any.',
    example: 'groundwork check ~/Notes',
    run: async (io, rest) => {
      const p = parse(rest, { json: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'check <vault>');
      return runCheck(io, vault!, { json: p.values.json === true });
    },
  },
  {
    name: 'research',
    usage: 'research <vault> <domain> [--url URL]... [--allow-host HOST]... [--max-sources N] [--dry-run] [--json]',
    summary: 'Scout, distill and critique a domain (adopting the note if it is not one yet). --allow-host lets the scout fetch from a host on your own machine or network, refused otherwise. --dry-run shows the sources, calls, tokens and cost without calling the model.',
    example: 'groundwork research ~/Notes "LoRA fine-tuning" --dry-run',
    run: async (io, rest) => {
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
    },
  },
  {
    name: 'critique',
    usage: 'critique <vault> <domain> [--json]',
    summary: 'Re-run the critic on the distillate as you edited it.',
    example: 'groundwork critique ~/Notes "LoRA fine-tuning"',
    run: async (io, rest) => {
      const p = parse(rest, LLM_OPTIONS);
      const [vault, domain] = positional(p, 2, 'critique <vault> <domain>');
      return (await research()).runCritique(io, vault!, domain!, llmFlags(p));
    },
  },
  {
    name: 'skeleton',
    usage: 'skeleton <vault> <domain> [--canvas] [--json]',
    summary: 'Draft the 3-level map of the domain, as a note and a JSON Canvas derived from it. --canvas only rewrites the canvas from the note as you edited it.',
    example: 'groundwork skeleton ~/Notes "LoRA fine-tuning"',
    run: async (io, rest) => {
      const p = parse(rest, { ...LLM_OPTIONS, canvas: { type: 'boolean' } });
      const [vault, domain] = positional(p, 2, 'skeleton <vault> <domain>');
      return (await research()).runSkeleton(io, vault!, domain!, { ...llmFlags(p), canvas: p.values.canvas === true });
    },
  },
  {
    name: 'show',
    usage: 'show <vault> <domain>',
    summary: 'Print the distillate readably: summary, concepts, claims with the sources they cite.',
    example: 'groundwork show ~/Notes "LoRA fine-tuning"',
    run: async (io, rest) => {
      const p = parse(rest, {});
      const [vault, domain] = positional(p, 2, 'show <vault> <domain>');
      return (await import('./commands/show')).runShow(io, vault!, domain!);
    },
  },
  {
    name: 'signoff',
    usage: 'signoff <vault> <domain> [--yes]',
    summary: 'Show the summary, verdict, open issues, blockers and the exact writes; sign the domain off after "y" (or with --yes). Exit 1 while blocked.',
    example: 'groundwork signoff ~/Notes "LoRA fine-tuning"',
    run: async (io, rest) => {
      const p = parse(rest, { yes: { type: 'boolean' } });
      const [vault, domain] = positional(p, 2, 'signoff <vault> <domain>');
      return (await act()).runSignoff(io, vault!, domain!, { yes: p.values.yes === true });
    },
  },
  {
    name: 'run',
    usage: 'run <vault> <domain> --task TEXT [--note PATH] [--json]',
    summary: "Run a task on one of the domain's notes; the domain's mode decides: options, a draft, or an applied change.",
    example: 'groundwork run ~/Notes "LoRA fine-tuning" --task "Summarize the findings" --note "Notes/Adapter rank experiments.md"',
    run: async (io, rest) => {
      const p = parse(rest, { ...LLM_OPTIONS, task: { type: 'string' }, note: { type: 'string' } });
      const [vault, domain] = positional(p, 2, 'run <vault> <domain> --task TEXT');
      const task = p.values.task as string | undefined;
      if (!task?.trim()) throw new UsageError('run needs --task TEXT: what the agent should do', 'run');
      return (await act()).runRun(io, vault!, domain!, { ...llmFlags(p), task, note: p.values.note as string | undefined });
    },
  },
  {
    name: 'inbox',
    usage: 'inbox <vault> [--json] [--all]',
    summary: 'List the pending proposals, newest first, with the short id accept and reject take (--all: handled ones too).',
    example: 'groundwork inbox ~/Notes',
    run: async (io, rest) => {
      const p = parse(rest, { json: { type: 'boolean' }, all: { type: 'boolean' } });
      const [vault] = positional(p, 1, 'inbox <vault>');
      return (await act()).runInbox(io, vault!, { json: p.values.json === true, all: p.values.all === true });
    },
  },
  {
    name: 'accept',
    usage: 'accept <vault> <proposal> [--option N]',
    summary: 'Apply a proposal (its text as it stands in the note, your edits included); <proposal> is its id from the inbox, or a unique prefix of 4 or more characters.',
    example: 'groundwork accept ~/Notes 3f9a --option 2',
    run: async (io, rest) => {
      const p = parse(rest, { option: { type: 'string' } });
      const [vault, proposal] = positional(p, 2, 'accept <vault> <proposal>');
      const raw = p.values.option as string | undefined;
      return (await act()).runAccept(io, vault!, proposal!, { option: raw === undefined ? undefined : positiveInt(raw, '--option', 1) });
    },
  },
  {
    name: 'reject',
    usage: 'reject <vault> <proposal>',
    summary: 'Reject a proposal; nothing changes, the proposal note stays for the record.',
    example: 'groundwork reject ~/Notes 3f9a',
    run: async (io, rest) => {
      const p = parse(rest, {});
      const [vault, proposal] = positional(p, 2, 'reject <vault> <proposal>');
      return (await act()).runReject(io, vault!, proposal!);
    },
  },
  {
    name: 'undo',
    usage: 'undo <vault> [ENTRY]',
    summary: 'Restore the last journaled change (or ENTRY) byte for byte; refuses, saying why, if the note changed since.',
    example: 'groundwork undo ~/Notes',
    run: async (io, rest) => {
      const p = parse(rest, {});
      if (p.positionals.length < 1 || p.positionals.length > 2) throw new UsageError('expected undo <vault> [ENTRY]', 'undo');
      return (await act()).runUndo(io, p.positionals[0]!, p.positionals[1]);
    },
  },
  {
    name: 'mcp',
    usage: 'mcp <vault>',
    summary: 'Serve the vault over MCP (stdio) so any agent that speaks MCP works in it under your trust: the Gate decides each change by the domain\'s mode.',
    example: 'groundwork mcp ~/Notes',
    run: async (io, rest) => {
      const [vault] = positional(parse(rest, {}), 1, 'mcp <vault>');
      return (await mcp()).runMcp(io, vault!);
    },
  },
  HOOK_COMMAND,
  {
    name: 'routines',
    usage: 'routines <vault> [--once | --watch] [--dry-run] [--json]',
    summary: "Run each domain's routines that are due (new or changed notes, daily, weekly) through the Gate. --once suits cron; --watch keeps watching until Ctrl-C; --dry-run only plans.",
    example: 'groundwork routines ~/Notes --once --json',
    run: async (io, rest) => (await import('./commands/routines')).routinesCommand(io, rest),
  },
];

function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end < 0 ? text : text.slice(0, end + 1);
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: groundwork <command> ...',
    ...COMMANDS.map((c) => `  groundwork ${c.usage}`),
    '  groundwork --version',
    '  groundwork <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${firstSentence(c.summary)}`),
    '',
    MODEL_HELP,
  ].join('\n');
}

export { commandHelp };

async function dispatch(io: CliIO, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(usage());
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const about = command === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(about ? commandHelp(about) : usage());
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.out(`groundwork ${version}`);
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === command);
  if (!spec) throw new UsageError(`unknown command "${command}"`);
  return runCommand(io, spec, rest);
}

/** Runs the CLI and returns its exit code; every failure becomes one line on stderr. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(io, argv);
  } catch (err) {
    return reportFailure(io, err, COMMANDS, usage);
  }
}
