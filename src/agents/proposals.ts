import { sha256Hex } from '../core/fingerprint';
import { parseNote } from '../core/frontmatter';
import { basename, inboxFolder, isInside, normalizeVaultPath, safeName } from '../core/layout';
import { patchFrontmatter } from '../core/patch';
import { DEFAULT_RETENTION, expired, type Retention } from '../core/retention';
import type { Mode } from '../core/trust';
import { withRecordLock } from '../journal';
import { VaultError, type DataFolder, type VaultPort } from '../vault/port';
import { noteText, wikilink } from './note-text';
import { inertText } from './untrusted';

/**
 * Proposals: a note in the inbox the person reads, edits and accepts or rejects, plus a small
 * record in the plugin's data folder with what the note cannot safely carry (the exact edit to
 * make, the hash of the target when the agent read it). The text that gets applied is always
 * the one in the note, the person's edits included.
 */

export type ProposalKind = 'replace-section' | 'append-section' | 'create-note' | 'add-links' | 'replace-note';

export interface ProposalOptionSpec {
  title: string;
  rationale: string;
  kind: ProposalKind;
  /** The note the option changes or creates. */
  target: string;
  heading?: string;
  content: string;
}

export interface ProposalRecord {
  version: 1;
  path: string;
  /** The domain note's path; empty for a note in no domain (unmapped ground). */
  domain: string;
  mode: Mode;
  task: string;
  /** sha256 of the target's full text when the agent read it; null when the option creates a note. */
  baseHashes: Record<string, string | null>;
  options: Omit<ProposalOptionSpec, 'content' | 'rationale'>[];
  /** sha256 of each option's content as proposed, so accepting can tell "unchanged" from "edited". */
  contentHashes?: string[];
  created: string;
  /** Who asked, when it was an agent outside Groundwork (an MCP client's name). */
  author?: string;
}

export interface ParsedOption {
  n: number;
  title: string;
  content: string;
}

const FENCE_OPEN = /^(`{4,})markdown[ \t]*$/;

function recordName(proposalPath: string): string {
  return `proposals/${sha256Hex(proposalPath).slice(0, 24)}.json`;
}

function fenceFor(text: string): string {
  let max = 3;
  for (const m of text.matchAll(/`+/g)) max = Math.max(max, m[0].length);
  return '`'.repeat(max + 1);
}

function describeChange(o: ProposalOptionSpec): string {
  switch (o.kind) {
    case 'replace-section':
      return `Replaces the section “${inertText(o.heading ?? '', { max: 120 })}” of ${wikilink(o.target)}.`;
    case 'append-section':
      return `Adds a section “${inertText(o.heading ?? '', { max: 120 })}” at the end of ${wikilink(o.target)}.`;
    case 'create-note':
      return `Creates the note ${o.target.replace(/\.md$/i, '')} in the domain's folder.`;
    case 'add-links':
      return `Adds links at the end of ${wikilink(o.target)}.`;
    case 'replace-note':
      return `Replaces the whole note ${wikilink(o.target)}.`;
  }
}

const MODE_INTRO: Record<Mode, string> = {
  propose: 'This domain is not yet understood well enough for agents to act: here are options. Accept the one you choose (you may edit it first), or reject them all.',
  assist: 'A draft for you to edit: change the text inside the block below as you like, then accept it. Nothing changes before you do.',
  automate: 'An automatic change that could not be applied on its own; review it, edit it if needed, then accept or reject it.',
};

const UNMAPPED_INTRO =
  'This note belongs to no domain yet, so no agent may change it on its own: here is what was asked. Accept an option (you may edit it first), or reject it. To let agents act here, make the note part of a domain.';

export async function writeProposal(
  vault: VaultPort,
  data: DataFolder,
  outputFolder: string,
  p: {
    domain: string;
    mode: Mode;
    task: string;
    options: ProposalOptionSpec[];
    baseHashes: Record<string, string | null>;
    now: string;
    model?: string;
    tokens?: number;
    notes?: string[];
    author?: string;
  },
): Promise<string> {
  const stamp = p.now.replace(/[:.]/g, '-').replace(/Z$/, '');
  // The stamp keeps names unique, so only the words before it are cut to fit.
  const base = `${inboxFolder(outputFolder)}/${safeName(`${p.domain ? basename(p.domain) : 'Unmapped'} ${p.task.slice(0, 40)}`, 90)} ${stamp}`;
  const intro = p.domain ? MODE_INTRO[p.mode] : UNMAPPED_INTRO;
  const body: string[] = [`# Proposal: ${inertText(p.task, { max: 200 })}`, '', intro, ''];
  if (p.author) body.push(`Requested by ${inertText(p.author, { max: 80 })}, an agent outside Groundwork.`, '');
  for (const n of p.notes ?? []) body.push(`> [!warning] ${inertText(n, { max: 600 })}`, '');
  p.options.forEach((o, i) => {
    const fence = fenceFor(o.content);
    body.push(`## Option ${i + 1}: ${inertText(o.title, { max: 120 }) || 'Untitled'}`, '');
    if (o.rationale.trim()) body.push(inertText(o.rationale, { max: 800 }), '');
    body.push(describeChange(o), '', `${fence}markdown`, o.content.replace(/\n+$/, ''), fence, '');
  });
  const targets = [...new Set(p.options.filter((o) => o.kind !== 'create-note').map((o) => o.target))];
  const note = noteText(
    {
      groundwork: 'proposal',
      domain: p.domain ? wikilink(p.domain) : undefined,
      target: targets.length === 1 ? wikilink(targets[0]!) : targets.map((t) => wikilink(t)),
      mode: p.mode,
      task: p.task,
      status: 'pending',
      confidence: 'low',
      generated: p.now,
      model: p.model,
      tokens: p.tokens,
      author: p.author,
    },
    body.join('\n'),
  );
  for (let i = 0; ; i++) {
    const path = i === 0 ? `${base}.md` : `${base} ${i + 1}.md`;
    try {
      await vault.create(path, note);
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'exists' && i < 50) continue;
      throw err;
    }
    const record: ProposalRecord = {
      version: 1,
      path,
      domain: p.domain,
      mode: p.mode,
      task: p.task,
      baseHashes: p.baseHashes,
      options: p.options.map(({ title, kind, target, heading }) => ({ title, kind, target, heading })),
      contentHashes: p.options.map((o) => optionContentHash(o.content)),
      created: p.now,
      ...(p.author ? { author: p.author } : {}),
    };
    await data.write(recordName(path), JSON.stringify(record, null, 1));
    await supersedeOlder(vault, outputFolder, path);
    return path;
  }
}

/** The hash of an option's content as the note shows it (line endings and trailing newlines aside). */
export function optionContentHash(content: string): string {
  return sha256Hex(content.replace(/\r\n?/g, '\n').replace(/\n+$/, ''));
}

/**
 * A new proposal for the same task on the same note (a re-run, or a re-run's replacement of
 * the same generated note) replaces the pending older ones: they are marked `superseded` and
 * stay on disk for the record, so the inbox shows one thing to decide, not several.
 */
async function supersedeOlder(vault: VaultPort, outputFolder: string, newPath: string): Promise<void> {
  const items = await listInbox(vault, outputFolder);
  const fresh = items.find((i) => i.path === newPath);
  if (!fresh) return;
  for (const old of items) {
    if (old.path === newPath || old.status !== 'pending') continue;
    if (old.domain !== fresh.domain || old.task !== fresh.task || old.note !== fresh.note) continue;
    await vault.process(old.path, (t) => {
      const status = parseNote(t).frontmatter?.status;
      // Decided meanwhile: leave it as the person left it.
      return status === undefined || status === 'pending' ? patchFrontmatter(t, { status: 'superseded' }) : t;
    });
  }
}

export async function readProposalRecord(data: DataFolder, proposalPath: string): Promise<ProposalRecord | null> {
  return parseRecord(await data.read(recordName(proposalPath)));
}

function parseRecord(raw: string | null): ProposalRecord | null {
  if (!raw) return null;
  try {
    const record = JSON.parse(raw) as ProposalRecord | null;
    return record && typeof record.path === 'string' && typeof record.created === 'string' ? record : null;
  } catch {
    return null;
  }
}

/** The options as they now stand in the note: the person's edits inside each block included. */
export function parseOptions(noteTextValue: string): ParsedOption[] {
  const lines = parseNote(noteTextValue).body.replace(/\r\n?/g, '\n').split('\n');
  const out: ParsedOption[] = [];
  for (let i = 0; i < lines.length; i++) {
    const h = /^## Option (\d+)(?::\s*(.*))?$/.exec(lines[i]!);
    if (!h) continue;
    for (let j = i + 1; j < lines.length; j++) {
      if (/^## /.test(lines[j]!)) break;
      const open = FENCE_OPEN.exec(lines[j]!);
      if (!open) continue;
      const fence = open[1]!;
      const end = lines.findIndex((l, k) => k > j && l === fence);
      if (end < 0) break;
      out.push({ n: Number(h[1]), title: (h[2] ?? '').trim(), content: lines.slice(j + 1, end).join('\n') });
      i = end;
      break;
    }
  }
  return out;
}

export interface InboxItem {
  /** Short (8 hex characters) and stable for the proposal's path; `accept`/`reject` take any unique prefix of 4 or more. */
  id: string;
  path: string;
  domain: string;
  mode: string;
  task: string;
  options: number;
  status: string;
  /** The vault path the proposal would change; null when it only creates a note. */
  note: string | null;
  /** When the proposal was made (ISO time). */
  created: string;
}

export function proposalId(path: string): string {
  return sha256Hex(path).slice(0, 8);
}

function linkToPath(link: string): string {
  const inner = link.replace(/^\[\[|\]\]$/g, '').split('|')[0]!.trim();
  return /\.[a-z0-9]+$/i.test(inner) ? inner : `${inner}.md`;
}

function targetOf(fm: Record<string, unknown>): string | null {
  const t: unknown = Array.isArray(fm.target) ? (fm.target as unknown[])[0] : fm.target;
  return typeof t === 'string' && t.trim() ? linkToPath(t) : null;
}

/** Every proposal in the inbox, newest first. */
export async function listInbox(vault: VaultPort, outputFolder: string): Promise<InboxItem[]> {
  const files = (await vault.listFiles(inboxFolder(outputFolder))).filter((f) => f.path.toLowerCase().endsWith('.md'));
  const items: InboxItem[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await vault.read(f.path);
    } catch {
      continue;
    }
    const fm = parseNote(text).frontmatter;
    if (fm?.groundwork !== 'proposal') continue;
    const domain = typeof fm.domain === 'string' ? fm.domain.replace(/^\[\[|\]\]$/g, '').split('|')[0]! : '';
    const generated: unknown = fm.generated;
    const created = generated instanceof Date ? generated.toISOString() : typeof generated === 'string' ? generated : new Date((await vault.stat(f.path))?.mtime ?? 0).toISOString();
    items.push({
      id: proposalId(f.path),
      path: f.path,
      domain,
      mode: typeof fm.mode === 'string' ? fm.mode : '',
      task: typeof fm.task === 'string' ? fm.task : '',
      options: parseOptions(text).length,
      status: typeof fm.status === 'string' ? fm.status : 'pending',
      note: targetOf(fm),
      created,
    });
  }
  return items.sort((a, b) => b.created.localeCompare(a.created) || b.path.localeCompare(a.path));
}

/** Finds a proposal by its short id (or a unique prefix of 4+ characters), its basename or its path, inside the inbox only. */
export async function findProposal(vault: VaultPort, outputFolder: string, idOrPath: string): Promise<string> {
  const inbox = inboxFolder(outputFolder);
  const asPath = idOrPath.toLowerCase().endsWith('.md') ? idOrPath : `${idOrPath}.md`;
  const candidates = [asPath, `${inbox}/${asPath}`];
  for (const c of candidates) {
    let clean: string;
    try {
      clean = normalizeVaultPath(c, vault.configDir);
    } catch {
      continue;
    }
    if (isInside(clean, inbox) && (await vault.stat(clean))) return clean;
  }
  const key = idOrPath.trim().toLowerCase();
  if (/^[0-9a-f]{4,12}$/.test(key)) {
    const hits = (await listInbox(vault, outputFolder)).filter((i) => i.id.startsWith(key));
    if (hits.length === 1) return hits[0]!.path;
    if (hits.length > 1) throw new VaultError('not-found', idOrPath, `"${idOrPath}" matches ${hits.length} proposals (${hits.map((h) => h.id).join(', ')}): give more characters`);
  }
  throw new VaultError('not-found', idOrPath, `No proposal "${idOrPath}" in ${inbox}/ (see: groundwork inbox)`);
}

/** A proposal no one can act on any more: the person accepted or rejected it, it was superseded, or its note is gone. */
const HANDLED = new Set(['accepted', 'rejected', 'superseded']);

async function isHandled(vault: VaultPort, proposalPath: string): Promise<boolean> {
  let text: string;
  try {
    text = await vault.read(proposalPath);
  } catch (err) {
    if (err instanceof VaultError && err.kind === 'not-found') return true;
    // Unreadable for another reason: keep the record, it may still be needed.
    return false;
  }
  const status = parseNote(text).frontmatter?.status;
  return typeof status === 'string' && HANDLED.has(status.toLowerCase());
}

/**
 * Retention for proposal records: those of handled proposals (accepted, rejected, superseded, or
 * whose note is gone) beyond the newest `keep` handled ones and older than `days` are removed. A
 * pending proposal's record is always kept, since accepting needs it; undo needs none (the journal
 * entry holds the replaced text) and the outcome of a handled one is already in the outcome log.
 * Under the records lock, so two processes never prune and read one record at once. Returns how
 * many were removed.
 */
export function pruneProposalRecords(vault: VaultPort, data: DataFolder, now: Date, retention: Retention = DEFAULT_RETENTION): Promise<number> {
  return withRecordLock(data, async () => {
    const names = (await data.list('proposals/')).filter((n) => n.endsWith('.json'));
    // Only a store larger than `keep` can hold anything to drop: most calls stop here, unread.
    if (names.length <= retention.keep) return 0;
    const handled: { name: string; created: string }[] = [];
    for (const name of names) {
      const record = parseRecord(await data.read(name));
      if (record && (await isHandled(vault, record.path))) handled.push({ name, created: record.created });
    }
    handled.sort((a, b) => a.created.localeCompare(b.created));
    const drop = expired(handled, (h) => h.created, retention, now);
    for (const d of drop) await data.remove(d.name);
    return drop.length;
  });
}

/**
 * The proposal note with option `n`'s block replaced by `content`: how an edit made in the
 * inbox view lands in the note, so what is applied is still the text in the note.
 */
export function withOptionContent(noteTextValue: string, n: number, content: string): string {
  const eol = noteTextValue.includes('\r\n') ? '\r\n' : '\n';
  const lines = noteTextValue.split(/\r?\n/);
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const h = /^## Option (\d+)(?::\s*(.*))?$/.exec(lines[i]!);
    if (h && Number(h[1]) === n) {
      start = i;
      break;
    }
  }
  if (start < 0) throw new VaultError('not-found', `option ${n}`, `The proposal has no option ${n}`);
  for (let j = start + 1; j < lines.length; j++) {
    if (/^## /.test(lines[j]!)) break;
    const open = FENCE_OPEN.exec(lines[j]!);
    if (!open) continue;
    const end = lines.findIndex((l, k) => k > j && l === open[1]);
    if (end < 0) break;
    const body = content.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
    const fence = fenceFor(body);
    const longer = fence.length > open[1]!.length ? fence : open[1]!;
    return [...lines.slice(0, j), `${longer}markdown`, ...body.split('\n'), longer, ...lines.slice(end + 1)].join(eol);
  }
  throw new VaultError('not-found', `option ${n}`, `Option ${n} of the proposal has no block to edit`);
}

export async function setStatus(vault: VaultPort, proposalPath: string, status: 'accepted' | 'rejected' | 'superseded', extra: Record<string, string> = {}): Promise<void> {
  await vault.process(proposalPath, (t) => patchFrontmatter(t, { status, ...extra }));
}
