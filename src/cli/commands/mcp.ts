import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AgentContext } from '../../agents/context';
import { domainName } from '../../agents/domain-note';
import { listInbox } from '../../agents/proposals';
import { MAX_OPTIONS, REQUEST_KINDS, requestChange, type ChangeOutcome } from '../../agents/request-change';
import { inertText } from '../../agents/untrusted';
import { describeError } from '../../core/errors';
import { DEFAULT_OUTPUT_FOLDER, isInside, normalizeVaultPath, PathError } from '../../core/layout';
import { mapToJson } from '../../core/vault-model';
import { Journal } from '../../journal';
import { llmConfigFromEnv, type LlmConfig } from '../../llm';
import { syncNote, type FullTextIndex } from '../../sources/fulltext-index';
import { openIndex } from '../../sources/index-store';
import { nodeAgentContext } from '../agent-context';
import type { CliIO } from '../io';
import { LiveVault } from '../live-vault';
import { NodeDataFolder } from '../node-data-folder';
import { openVault } from '../open-vault';

/**
 * `groundwork mcp <vault>` (DESIGN §5): any agent that speaks MCP works in the vault under the
 * person's trust. Reading is open (except the config folder); every change goes through
 * request_change, i.e. through the Gate, and ends as a journal entry or a proposal that names
 * the calling client. stdout carries the protocol alone; messages go to stderr.
 */

const MODES_TEXT =
  "Each domain of this vault has a mode, set by the person's trust in it (frontmatter the person owns): " +
  '"propose": the domain is not yet understood well enough; your change becomes a proposal with your options and nothing changes until the person picks one. ' +
  '"assist": your first option becomes a draft the person edits and accepts; nothing changes before. ' +
  '"automate": the person signed the domain off; a critic checks your change and, if it passes, it is applied at once, journaled and undoable (otherwise it becomes a proposal). ' +
  'A note in no domain is unmapped ground: changes there are proposals.';

const REFUSED_TEXT =
  'A refusal is final for that request: do not retry the same change by another path or tool. Tell the person what was refused and why (the reason says it); ' +
  "they can change the note themselves, or raise their trust in the domain. Never edit trust keys (confidence, critical, autonomy, signed-off, signed-off-distillate), groundwork, include or routines: only the person does.";

const INSTRUCTIONS = `Groundwork guards this Obsidian vault: write to its notes only through request_change, never by editing files directly. ${MODES_TEXT} Call autonomy_map first to see each domain's mode. ${REFUSED_TEXT}`;

const MAX_READ_CHARS = 200_000;

/** A name a client gave itself, made safe to show and store: it is untrusted text. */
export function clientLabel(info: { name?: unknown; version?: unknown } | undefined): string {
  const name = typeof info?.name === 'string' ? inertText(info.name, { max: 60 }) : '';
  return `${name || 'an MCP client'} (MCP)`;
}

function text(value: unknown): { content: { type: 'text'; text: string }[] } {
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] };
}

function failure(message: string): { content: { type: 'text'; text: string }[]; isError: true } {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Runs one call at a time: each refreshes the model, then reads and maybe writes. */
function serial(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * A vault path an agent named, as a vault-relative path: absolute paths inside the vault are
 * accepted (agents often use them), and a path that reaches another place through a symbolic
 * link is refused, since its name would not say which note (and which domain) it changes.
 */
export async function resolveAgentPath(root: string, configDir: string, raw: string): Promise<{ path: string } | { refused: string }> {
  let rel = raw.replace(/\\/g, '/');
  if (path.isAbsolute(raw)) {
    const r = path.relative(root, path.resolve(raw));
    if (r.startsWith('..') || path.isAbsolute(r)) return { refused: `Refused: ${raw} is outside the vault (${root}); only its notes can be read or changed` };
    rel = r.split(path.sep).join('/');
  }
  let clean: string;
  try {
    clean = normalizeVaultPath(rel, configDir);
  } catch (err) {
    if (err instanceof PathError) return { refused: `${err.message}. Only notes inside the vault, outside its ${configDir}/ folder, can be read or changed` };
    throw err;
  }
  const lexical = path.join(root, ...clean.split('/'));
  // The deepest part of the path that exists must be itself: no link on the way.
  let probe = lexical;
  for (;;) {
    try {
      const real = await realpath(probe);
      const rootReal = await realpath(root);
      const expected = path.join(rootReal, path.relative(root, probe));
      if (real !== expected) {
        const where = path.relative(rootReal, real);
        const outside = where.startsWith('..') || path.isAbsolute(where);
        return { refused: `Refused: ${clean} leads ${outside ? 'out of the vault' : `to ${where.split(path.sep).join('/')}`} through a symbolic link; name a note by its own path` };
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || probe === root) throw err;
      probe = path.dirname(probe);
    }
  }
  return { path: clean };
}

export async function runMcp(io: CliIO, vaultArg: string): Promise<number> {
  const vault = await openVault(vaultArg, io.cwd);
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  let config: LlmConfig;
  let criticUnavailable: string | undefined;
  try {
    config = llmConfigFromEnv(io.env, {});
  } catch (err) {
    // The server still reads and proposes without a model; only automate needs the critic.
    criticUnavailable = `no model is configured: ${err instanceof Error ? err.message : String(err)}`;
    config = { baseURL: 'http://127.0.0.1:9/v1', apiKey: '', model: '(none)', timeoutMs: 1, maxRetries: 0, cache: false };
  }
  io.err(`groundwork mcp: reading ${vault.root}…`);
  const live = await LiveVault.open(vault, DEFAULT_OUTPUT_FOLDER);
  const ctx: AgentContext = nodeAgentContext({ vault, data, model: live.model, config });
  const journal = new Journal(vault, data, { outputFolder: ctx.outputFolder, onProblem: (m) => io.err(`groundwork mcp: warning: ${m}`) });
  let index: FullTextIndex | null = null;
  const one = serial();

  const refresh = async (): Promise<void> => {
    const changed = await live.refresh();
    if (!index) return;
    for (const p of changed) {
      const rec = live.model.get(p);
      if (!rec) {
        index.remove(p);
        continue;
      }
      const body = await vault.read(p).catch(() => null);
      if (body === null) index.remove(p);
      else syncNote(index, rec, body, ctx.outputFolder);
    }
  };

  const server = new McpServer(
    { name: 'groundwork', version: '0.1.0' },
    // The SDK's default validator (ajv) serves only elicitation, which this server never uses; it is not bundled.
    { instructions: INSTRUCTIONS, jsonSchemaValidator: { getValidator: () => () => ({ valid: false, data: undefined, errorMessage: 'Groundwork asks no questions through MCP' }) } },
  );
  const author = (): string => clientLabel(server.server.getClientVersion());
  const modeOfNote = (p: string): { domains: string[]; mode: string } => {
    const rec = live.model.get(p);
    if (!rec) return { domains: [], mode: 'propose' };
    const owners = rec.role === 'domain' ? [rec.path] : live.model.domainsOf(rec);
    const map = live.model.computeMap().domains;
    const modes = owners.map((o) => map.find((d) => d.path === o)?.mode ?? 'propose');
    const mode = modes.includes('propose') || modes.length === 0 ? 'propose' : modes.includes('assist') ? 'assist' : 'automate';
    return { domains: owners.map((o) => domainName(live.model.get(o)!)), mode };
  };

  server.registerTool(
    'autonomy_map',
    {
      title: 'Autonomy map',
      description: `The vault's domains with the mode each one is in, their trust (confidence, critical, sign-off) and pending proposals. ${MODES_TEXT} Call this before planning changes.`,
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      one(async () => {
        await refresh();
        const map = mapToJson(live.model.computeMap());
        return text({ domains: map.domains, modes: MODES_TEXT });
      }),
  );

  server.registerTool(
    'read_note',
    {
      title: 'Read a note',
      description: 'The full text of one note (vault-relative path such as "Notes/My note.md"), with the domains it belongs to and the mode that governs changes to it.',
      inputSchema: { path: z.string().check(z.minLength(1), z.describe('The note, relative to the vault root (an absolute path inside the vault also works)')) },
      annotations: { readOnlyHint: true },
    },
    ({ path: raw }) =>
      one(async () => {
        const r = await resolveAgentPath(vault.root, vault.configDir, raw);
        if ('refused' in r) return failure(r.refused);
        await refresh();
        if (!(await vault.stat(r.path))) return failure(`There is no note ${r.path}`);
        let body: string;
        try {
          body = await vault.read(r.path);
        } catch (err) {
          return failure(describeError(err).message);
        }
        const { domains, mode } = modeOfNote(r.path);
        const cut = body.length > MAX_READ_CHARS ? `${body.slice(0, MAX_READ_CHARS)}\n[… ${body.length - MAX_READ_CHARS} more characters not shown]` : body;
        const head = `path: ${r.path}\ndomains: ${domains.length ? domains.join(', ') : '(none: unmapped ground)'}\nmode: ${mode}${isInside(r.path, ctx.outputFolder) ? ' (a note Groundwork generated: agents never change it)' : ''}\n---8<--- note text ---8<---\n`;
        return text(head + cut);
      }),
  );

  server.registerTool(
    'search_notes',
    {
      title: 'Search notes',
      description: "Full-text search over the vault's notes (the index Groundwork's scout uses; untrusted generated notes are left out). Returns paths with the domains and mode of each; read one with read_note.",
      inputSchema: {
        query: z.string().check(z.minLength(1), z.describe('Words to look for')),
        limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(50), z.describe('How many hits at most (default 10)'))),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, limit }) =>
      one(async () => {
        await refresh();
        // The scout's saved index, brought up to date (and saved) once per server run.
        index ??= (await openIndex(vault, data, live.model, ctx.outputFolder)).index;
        const hits = index.search(query, { limit: limit ?? 10 });
        return text(
          hits.map((h) => {
            const { domains, mode } = modeOfNote(h.path);
            return { path: h.path, score: Math.round(h.score * 100) / 100, domains, mode };
          }),
        );
      }),
  );

  server.registerTool(
    'list_proposals',
    {
      title: 'List proposals',
      description: "Proposals in the person's inbox (Groundwork/Inbox/): what agents asked for that waits for the person, with status pending, accepted, rejected or superseded. Only the person accepts or rejects them.",
      inputSchema: { all: z.optional(z.boolean().check(z.describe('Include accepted, rejected and superseded ones (default: pending only)'))) },
      annotations: { readOnlyHint: true },
    },
    ({ all }) =>
      one(async () => {
        const items = await listInbox(vault, ctx.outputFolder);
        return text(items.filter((i) => all === true || i.status === 'pending'));
      }),
  );

  const optionSchema = z.object({
    title: z.string().check(z.minLength(1), z.describe('A short title for this option')),
    kind: z.enum(REQUEST_KINDS).check(
      z.describe(
        'replace-note: content is the whole new text of the note (without frontmatter; the note keeps its properties). ' +
          'append-section: adds a "## heading" section with content at the end. replace-section: replaces the content under an existing heading. ' +
          'create-note: creates the note at path, which must be in a domain\'s folder Groundwork/<Domain>/<name>.md.',
      ),
    ),
    content: z.string().check(z.describe('Markdown')),
    heading: z.optional(z.string().check(z.describe('The section heading, for append-section and replace-section'))),
  });

  server.registerTool(
    'request_change',
    {
      title: 'Request a change to a note',
      description:
        `The only way to change a note of this vault. Give the note's path, the task (why), and one or more options (at most ${MAX_OPTIONS}). ` +
        `The domain's mode, read live from the person's trust, decides: ${MODES_TEXT} ` +
        'The result is {outcome: "applied"|"proposal"|"refused", mode, proposal?, reason?}. "applied": done, journaled, the person can undo it. ' +
        '"proposal": nothing changed yet; the proposal note waits in the inbox for the person; tell them its path, do not apply the change another way. ' +
        `"refused" (marked as an error, with the reason): the change is outside what any agent may do (a generated note, the config folder, outside the vault, a trust key, another domain's scope). ${REFUSED_TEXT}`,
      inputSchema: {
        path: z.string().check(z.minLength(1), z.describe('The note to change (or to create), relative to the vault root')),
        task: z.string().check(z.minLength(1), z.describe('What the change is for, in one sentence the person will read')),
        options: z.array(optionSchema).check(z.minLength(1), z.maxLength(MAX_OPTIONS), z.describe('One option, or several for the person to choose from')),
      },
      outputSchema: {
        outcome: z.enum(['applied', 'proposal', 'refused']),
        mode: z.enum(['propose', 'assist', 'automate']),
        proposal: z.optional(z.string().check(z.describe('The proposal note, vault-relative'))),
        reason: z.optional(z.string()),
      },
    },
    ({ path: raw, task, options }) =>
      one(async () => {
        const r = await resolveAgentPath(vault.root, vault.configDir, raw);
        let outcome: ChangeOutcome;
        if ('refused' in r) outcome = { outcome: 'refused', mode: 'propose', reason: r.refused };
        else {
          await refresh();
          outcome = await requestChange(ctx, journal, { path: r.path, task, options, author: author() }, { criticUnavailable });
        }
        const why = outcome.outcome === 'refused' ? `: ${outcome.reason ?? ''}` : '';
        io.err(`groundwork mcp: request_change ${JSON.stringify(raw)} by ${author()}: ${outcome.outcome} (${outcome.mode})${why}`);
        // A refusal is still the result (outcome, mode, reason), flagged as an error so that the
        // client and its model know that nothing changed and why.
        return { ...text(outcome), structuredContent: { ...outcome }, ...(outcome.outcome === 'refused' ? { isError: true } : {}) };
      }),
  );

  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(transport);
  // The client closing its end of the pipe is the end of the session.
  process.stdin.once('end', () => void server.close());
  io.err(`groundwork mcp: serving ${vault.root} on stdio`);
  await closed;
  return 0;
}
