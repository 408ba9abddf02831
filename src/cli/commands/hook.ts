import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { decideByPlace, decideEdit, touchedDomains, type EditDecision } from '../../agents/edit-decision';
import { DEFAULT_OUTPUT_FOLDER, isInside } from '../../core/layout';
import { analyzeNote } from '../../core/note-record';
import { PERSON_KEYS } from '../../core/person-keys';
import { Journal } from '../../journal';
import { VaultError } from '../../vault/port';
import { UsageError } from '../errors';
import { GateModel } from '../gate-cache';
import type { CliIO } from '../io';
import { NodeDataFolder } from '../node-data-folder';
import type { NodeVault } from '../node-vault';
import { openVault } from '../open-vault';

/**
 * `groundwork hook claude-code --vault <vault>` (DESIGN §5): a PreToolUse hook that puts Claude
 * Code's own file tools under the person's trust. It reads the hook's JSON on stdin and, for
 * Write, Edit or MultiEdit on a file inside the vault, prints the decision. In automate it first
 * journals the note's bytes, so `groundwork undo` (and the plugin's Undo) restores them. Run as a
 * PostToolUse hook too, it records the written text at once instead of at the journal's next use.
 */

const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit']);
const MAX_INPUT = 20 * 1024 * 1024;
export const HOOK_AUTHOR = 'Claude Code (hook)';

interface HookInput {
  hook_event_name?: unknown;
  tool_name?: unknown;
  tool_input?: { file_path?: unknown; content?: unknown; old_string?: unknown; new_string?: unknown; replace_all?: unknown; edits?: unknown };
  cwd?: unknown;
  session_id?: unknown;
}

interface Edit {
  old_string: string;
  new_string: string;
  replace_all: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_INPUT) throw new UsageError(`the hook's input is larger than ${MAX_INPUT / 1024 / 1024} MB`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function editsOf(tool: string, input: NonNullable<HookInput['tool_input']>): Edit[] | null {
  const one = (e: { old_string?: unknown; new_string?: unknown; replace_all?: unknown }): Edit | null =>
    typeof e.old_string === 'string' && typeof e.new_string === 'string' ? { old_string: e.old_string, new_string: e.new_string, replace_all: e.replace_all === true } : null;
  if (tool === 'Edit') {
    const e = one(input);
    return e ? [e] : null;
  }
  if (!Array.isArray(input.edits)) return null;
  const all = (input.edits as unknown[]).map((e) => (e && typeof e === 'object' ? one(e as Edit) : null));
  return all.every((e): e is Edit => e !== null) ? all : null;
}

/** The text an edit makes, as the tool makes it (exact strings, no patterns); null where the tool would fail. */
function applyEdits(text: string, edits: Edit[]): string | null {
  let out = text;
  for (const e of edits) {
    if (e.old_string === '' || e.old_string === e.new_string) return null;
    const at = out.indexOf(e.old_string);
    if (at < 0) return null;
    if (e.replace_all) out = out.split(e.old_string).join(e.new_string);
    else if (out.indexOf(e.old_string, at + 1) >= 0) return null;
    else out = out.slice(0, at) + e.new_string + out.slice(at + e.old_string.length);
  }
  return out;
}

/** The file's text after the tool, or null when it cannot be known. Line ends are tried both ways, as editors differ. */
function textAfter(tool: string, input: NonNullable<HookInput['tool_input']>, before: string | null): string | null {
  if (tool === 'Write') return typeof input.content === 'string' ? input.content : null;
  const edits = editsOf(tool, input);
  if (!edits || before === null) return null;
  return applyEdits(before, edits) ?? (before.includes('\r\n') ? applyEdits(before.replace(/\r\n/g, '\n'), edits) : null);
}

const PERSON_KEY_LINE = new RegExp(`^[ \\t]*["']?(${PERSON_KEYS.join('|')})["']?[ \\t]*:`, 'im');

/** An edit whose result cannot be computed still must not slip a trust key past the hook. */
function mentionsPersonKey(input: NonNullable<HookInput['tool_input']>, tool: string): boolean {
  const edits = editsOf(tool, input) ?? [];
  return edits.some((e) => PERSON_KEY_LINE.test(e.old_string) || PERSON_KEY_LINE.test(e.new_string));
}

/** The file's vault path by its real location (links resolved), or null when it is outside the vault. */
async function vaultRelative(root: string, file: string): Promise<string | null> {
  const realRoot = await realpath(root);
  let probe = file;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = path.join(await realpath(probe), ...rest);
      const rel = path.relative(realRoot, real);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
      return rel.split(path.sep).join('/').normalize('NFC');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const parent = path.dirname(probe);
      if (parent === probe) return null;
      rest.unshift(path.basename(probe));
      probe = parent;
    }
  }
}

async function currentText(vault: NodeVault, rel: string): Promise<string | null> {
  try {
    return await vault.read(rel);
  } catch (err) {
    if (err instanceof VaultError && (err.kind === 'not-found' || err.kind === 'not-text')) return null;
    throw err;
  }
}

async function decide(vault: NodeVault, data: NodeDataFolder, rel: string, tool: string, input: NonNullable<HookInput['tool_input']>, task: string): Promise<EditDecision> {
  const q = { path: rel, configDir: vault.configDir, outputFolder: DEFAULT_OUTPUT_FOLDER, before: null as string | null, after: null as string | null };
  const byPlace = decideByPlace(q);
  if (byPlace) return byPlace;
  q.before = await currentText(vault, rel);
  q.after = textAfter(tool, input, q.before);
  if (q.after === null && mentionsPersonKey(input, tool)) {
    return { permission: 'deny', reason: `Groundwork: this edit touches a line of ${PERSON_KEYS.join(', ')}; only the person writes those. Leave the note's properties as they are.`, domain: null, mode: null };
  }
  const links = [q.before, q.after].flatMap((t) => (t === null ? [] : analyzeNote(rel, t).domainLinks));
  const gate = await GateModel.load(vault, data, DEFAULT_OUTPUT_FOLDER, links);
  // Trust is read live: the domains this change touches are read again, whatever the cache holds.
  for (const d of touchedDomains(gate.model, q)) await gate.refreshDomain(d);
  let d = decideEdit(gate.model, q);
  if (d.permission === 'allow') {
    // Before allowing, make sure no note became a domain note since the cache last looked.
    const found = await gate.verifyAll();
    if (found.length > 0) {
      for (const t of touchedDomains(gate.model, q)) await gate.refreshDomain(t);
      d = decideEdit(gate.model, q);
    }
  }
  await gate.save().catch(() => undefined); // a cache that is not saved is rebuilt next time
  if (d.permission !== 'allow') return d;
  const journal = new Journal(vault, data, { outputFolder: DEFAULT_OUTPUT_FOLDER });
  const entry = await journal.expect({ path: rel, domain: d.domain!, task, author: HOOK_AUTHOR });
  return { ...d, reason: `${d.reason} Journal entry ${entry.id}: undo with "groundwork undo <vault> ${entry.id}" or Groundwork's Undo command in Obsidian.` };
}

/** `input` is the hook's JSON; stdin unless given (the bench times decisions in one process). */
export async function runHook(io: CliIO, agent: string, vaultArg: string, input: () => Promise<string> = readStdin): Promise<number> {
  if (agent !== 'claude-code') throw new UsageError(`unknown agent "${agent}": the hook supports claude-code`);
  const vault = await openVault(vaultArg, io.cwd);
  const raw = await input();
  let event: HookInput;
  try {
    event = JSON.parse(raw) as HookInput;
  } catch {
    io.err('groundwork hook: the input is not the JSON of a Claude Code hook; no decision');
    return 0;
  }
  const tool = typeof event.tool_name === 'string' ? event.tool_name : '';
  const toolInput = event.tool_input;
  if (!FILE_TOOLS.has(tool) || !toolInput || typeof toolInput.file_path !== 'string' || toolInput.file_path === '') return 0;
  const base = typeof event.cwd === 'string' && path.isAbsolute(event.cwd) ? event.cwd : io.cwd;
  const rel = await vaultRelative(vault.root, path.resolve(base, toolInput.file_path));
  if (rel === null) return 0;
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));

  if (event.hook_event_name === 'PostToolUse') {
    // The tool has written: record its text now, while nothing else has touched the note.
    if (!isInside(rel, vault.configDir)) await new Journal(vault, data, { outputFolder: DEFAULT_OUTPUT_FOLDER, onProblem: (m) => io.err(`groundwork hook: ${m}`) }).list();
    return 0;
  }

  const session = typeof event.session_id === 'string' ? ` (session ${event.session_id.slice(0, 8)})` : '';
  let d: EditDecision;
  try {
    d = await decide(vault, data, rel, tool, toolInput, `${tool} by Claude Code${session}`);
  } catch (err) {
    // Fail safe: what the hook cannot judge, it does not let through.
    d = { permission: 'deny', reason: `Groundwork could not check this change (${err instanceof Error ? err.message : String(err)}), so it is not allowed. Tell the person.`, domain: null, mode: null };
  }
  io.out(JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: d.permission, permissionDecisionReason: d.reason } }));
  return 0;
}
