import { sha256Hex } from '../core/fingerprint';
import { parseNote } from '../core/frontmatter';
import { isInside } from '../core/layout';
import { dayOf, RECHECK_SOURCES, weekOf, type Routine, type RoutineTrigger } from '../core/routines';
import { updateRecord, type Journal, type JournalEntry } from '../journal';
import { DEFAULT_MAX_CHARS } from '../sources/types';
import { VaultError } from '../vault/port';
import { RunCancelled, type AgentContext } from './context';
import { changedSources } from './evidence';
import { modeOf, runTask } from './gate';
import { recheckSources } from './recheck';

/**
 * Routines (DESIGN §1): each domain's standing orders, run when their trigger fires. The same
 * engine serves the plugin (vault events, a daily/weekly check) and `groundwork routines`: it
 * compares the members of each domain that has routines with what it saw last time (state in
 * the data folder, shared by both shells), claims the events it will run before running them (so
 * no event runs twice), skips Groundwork's own writes (no loops), and stops at a per-domain daily
 * cap on runs and tokens. Every run goes through the Gate like a task a person runs.
 */

export type RoutineOutcome = 'applied' | 'proposal' | 'skipped' | 'failed';

export interface RoutineLimits {
  /** Routine runs per domain per day (UTC). */
  maxRunsPerDay: number;
  /** Model tokens routines may spend per domain per day (UTC). */
  maxTokensPerDay: number;
}

export const DEFAULT_ROUTINE_LIMITS: RoutineLimits = { maxRunsPerDay: 20, maxTokensPerDay: 200_000 };

/** One routine due to run: a routine of a domain and the event that fired it. */
export interface DueRoutine {
  domainPath: string;
  domain: string;
  routine: Routine;
  trigger: RoutineTrigger;
  /** The note that fired it (new or changed note), or the domain note (daily, weekly). */
  path: string;
}

export interface RoutineRun {
  domain: string;
  routine: string;
  trigger: RoutineTrigger;
  outcome: RoutineOutcome;
  /** What it changed or proposed when it did, else the note it was about. */
  path: string;
  /** Why it was skipped or failed, or what it did, in plain words. */
  message: string;
  tokens: number;
}

export interface PlannedRoutine extends DueRoutine {
  calls: number;
  tokens: number;
  note: string;
}

export interface RoutinesReport {
  /** The first run on this vault (or a domain's first): it only recorded what it saw. */
  baseline: boolean;
  /** Notes recorded as the baseline by this run. */
  baselineNotes: number;
  runs: RoutineRun[];
  /** Dry run: what would run, with its planned calls and tokens. */
  planned: PlannedRoutine[];
}

interface DomainSpent {
  day: string;
  runs: number;
  tokens: number;
}

interface RoutineState {
  version: 1;
  /** Per domain note: the members seen last time and the hash of their text. */
  seen: Record<string, Record<string, string>>;
  /** Per domain note: the day and week its daily and weekly routines last ran. */
  ran: Record<string, { daily?: string; weekly?: string }>;
  spent: Record<string, DomainSpent>;
  updated: string;
}

const STATE = 'routines/state.json';

function parseState(raw: string | null): RoutineState | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as RoutineState;
    if (v && v.version === 1 && typeof v.seen === 'object' && typeof v.ran === 'object' && typeof v.spent === 'object') return v;
  } catch {
    // A damaged state is taken as a new baseline: nothing runs on it, which is the safe side.
  }
  return null;
}

export async function readRoutineState(ctx: AgentContext): Promise<RoutineState | null> {
  return parseState(await ctx.data.read(STATE));
}

/** Text hashes Groundwork itself produced, per note: its changes, its undos. */
function ownWrites(entries: JournalEntry[]): Set<string> {
  const own = new Set<string>();
  for (const e of entries) {
    if (e.state === 'applied') own.add(`${e.path}\n${e.afterHash}`);
    // An undo restored the text before; a person who put it back by hand said "no" to the change:
    // neither is a new event a routine should answer (it would redo what was just taken back).
    if ((e.state === 'undone' || (e.state === 'applied' && e.by === 'agent')) && e.beforeHash) own.add(`${e.path}\n${e.beforeHash}`);
  }
  return own;
}

async function hashOf(ctx: AgentContext, path: string): Promise<string | null> {
  try {
    return sha256Hex(await ctx.vault.read(path));
  } catch (err) {
    if (err instanceof VaultError) return null;
    throw err;
  }
}

interface Scan {
  domains: { path: string; name: string; routines: readonly Routine[]; members: Map<string, string> }[];
}

/** Reads the members of every domain that has routines; generated notes never fire routines. */
async function scan(ctx: AgentContext): Promise<Scan> {
  const out: Scan = { domains: [] };
  for (const d of ctx.model.computeMap().domains) {
    const routines = ctx.model.get(d.path)?.routines ?? [];
    if (routines.length === 0) continue;
    const members = new Map<string, string>();
    for (const p of d.memberPaths) {
      if (isInside(p, ctx.outputFolder)) continue;
      const h = await hashOf(ctx, p);
      if (h !== null) members.set(p, h);
    }
    out.domains.push({ path: d.path, name: d.name, routines, members });
  }
  return out;
}

/**
 * Finds what is due and, unless planning only, claims it in the shared state in the same locked
 * step, so another process (the plugin, a second `--once`) never runs the same event again.
 */
async function claimDue(ctx: AgentContext, journal: Journal, now: Date, planOnly: boolean): Promise<{ due: DueRoutine[]; baseline: boolean; baselineNotes: number }> {
  const [entries, found] = await Promise.all([journal.list(), scan(ctx)]);
  const own = ownWrites(entries);
  const today = dayOf(now);
  const week = weekOf(now);
  let result = { due: [] as DueRoutine[], baseline: false, baselineNotes: 0 };
  const decide = (prior: RoutineState | null): RoutineState => {
    const state: RoutineState = prior ?? { version: 1, seen: {}, ran: {}, spent: {}, updated: now.toISOString() };
    const due: DueRoutine[] = [];
    let baselineNotes = 0;
    const baseline = prior === null;
    for (const d of found.domains) {
      const seen = state.seen[d.path];
      if (!seen) {
        // A domain seen for the first time (or the first run): record, run nothing.
        state.seen[d.path] = Object.fromEntries(d.members);
        state.ran[d.path] = { daily: today, weekly: week };
        baselineNotes += d.members.size;
        continue;
      }
      const fire = (trigger: RoutineTrigger, path: string) => {
        for (const routine of d.routines) if (routine.trigger === trigger) due.push({ domainPath: d.path, domain: d.name, routine, trigger, path });
      };
      for (const [p, h] of d.members) {
        if (seen[p] === h) continue;
        if (!own.has(`${p}\n${h}`)) fire(seen[p] === undefined ? 'new note' : 'changed note', p);
        seen[p] = h;
      }
      for (const p of Object.keys(seen)) if (!d.members.has(p)) delete seen[p];
      const ran = (state.ran[d.path] ??= {});
      if (ran.daily !== today) {
        fire('daily', d.path);
        ran.daily = today;
      }
      if (ran.weekly !== week) {
        fire('weekly', d.path);
        ran.weekly = week;
      }
    }
    // Domains that lost their routines or stopped being domains are forgotten: adding routines
    // again starts from a new baseline rather than from a stale picture.
    for (const p of Object.keys(state.seen)) if (!found.domains.some((d) => d.path === p)) delete state.seen[p];
    state.updated = now.toISOString();
    result = { due, baseline, baselineNotes };
    return state;
  };
  if (planOnly) decide(parseState(await ctx.data.read(STATE)));
  else await updateRecord(ctx.data, STATE, parseState, (s) => decide(s));
  return result;
}

/** Adds to a domain's spend of the day; returns the spend before. */
async function spend(ctx: AgentContext, domainPath: string, day: string, tokens: number, runs: number): Promise<DomainSpent> {
  let before: DomainSpent = { day, runs: 0, tokens: 0 };
  await updateRecord(ctx.data, STATE, parseState, (s) => {
    const state = s ?? { version: 1 as const, seen: {}, ran: {}, spent: {}, updated: new Date().toISOString() };
    const cur = state.spent[domainPath];
    before = cur && cur.day === day ? { ...cur } : { day, runs: 0, tokens: 0 };
    state.spent[domainPath] = { day, runs: before.runs + runs, tokens: before.tokens + tokens };
    return state;
  });
  return before;
}

function capMessage(name: string, spent: DomainSpent, limits: RoutineLimits): string {
  return (
    `Daily cap reached for ${name}: ${spent.runs} routine run${spent.runs === 1 ? '' : 's'} and ${spent.tokens.toLocaleString('en-US')} tokens today ` +
    `(limits ${limits.maxRunsPerDay} runs, ${limits.maxTokensPerDay.toLocaleString('en-US')} tokens per domain per day); it did not run and spent nothing. Routines resume tomorrow, or raise the cap in settings.`
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface RunRoutinesOptions {
  limits: RoutineLimits;
  dryRun?: boolean;
  /** The per-source context budget, for `re-check sources`. */
  maxChars?: number;
  now?: Date;
  onStart?: (due: DueRoutine) => void;
  onDone?: (run: RoutineRun) => void;
}

/** Runs what is due since the last run; the first run only records a baseline. */
export async function runRoutines(ctx: AgentContext, journal: Journal, opts: RunRoutinesOptions): Promise<RoutinesReport> {
  const now = opts.now ?? ctx.now?.() ?? new Date();
  const { due, baseline, baselineNotes } = await claimDue(ctx, journal, now, opts.dryRun === true);
  if (opts.dryRun) return { baseline, baselineNotes, runs: [], planned: await Promise.all(due.map((d) => plan(ctx, d, opts.maxChars))) };
  const runs: RoutineRun[] = [];
  const day = dayOf(now);
  for (const d of due) {
    if (ctx.signal?.aborted) throw new RunCancelled();
    const run = await runOne(ctx, journal, d, day, opts);
    runs.push(run);
    opts.onDone?.(run);
  }
  return { baseline, baselineNotes, runs, planned: [] };
}

async function runOne(ctx: AgentContext, journal: Journal, d: DueRoutine, day: string, opts: RunRoutinesOptions): Promise<RoutineRun> {
  const base = { domain: d.domain, routine: d.routine.line, trigger: d.trigger };
  // The run is counted before it starts, so a crash cannot let the cap be passed twice.
  const before = await spend(ctx, d.domainPath, day, 0, 0);
  if (before.runs >= opts.limits.maxRunsPerDay || before.tokens >= opts.limits.maxTokensPerDay) {
    return { ...base, outcome: 'skipped', path: d.path, message: capMessage(d.domain, before, opts.limits), tokens: 0 };
  }
  await spend(ctx, d.domainPath, day, 0, 1);
  opts.onStart?.(d);
  // Its own usage and budget: the model client refuses any call past what is left of the day's cap.
  const llm = ctx.llm.startRun({ signal: ctx.signal, budget: { maxTokens: opts.limits.maxTokensPerDay - before.tokens } });
  const runCtx: AgentContext = { ...ctx, llm };
  try {
    const run = await execute(runCtx, journal, d, opts);
    return { ...base, ...run, tokens: llm.usage.totalTokens };
  } catch (err) {
    if (err instanceof RunCancelled || ctx.signal?.aborted) throw err;
    return { ...base, outcome: 'failed', path: d.path, message: messageOf(err), tokens: llm.usage.totalTokens };
  } finally {
    await spend(ctx, d.domainPath, day, llm.usage.totalTokens, 0);
  }
}

async function execute(ctx: AgentContext, journal: Journal, d: DueRoutine, opts: RunRoutinesOptions): Promise<Pick<RoutineRun, 'outcome' | 'path' | 'message'>> {
  if (d.routine.task === RECHECK_SOURCES) {
    // A research step: it writes the domain's generated notes (never a person's note), in any mode.
    const r = await recheckSources(ctx, d.domainPath, { maxChars: opts.maxChars });
    if (r.changed.length === 0) return { outcome: 'skipped', path: d.domainPath, message: `No source of ${r.domain} changed since it was digested; nothing to re-check` };
    const issues = r.critique?.openIssues ?? 0;
    return {
      outcome: 'applied',
      path: r.critique?.path ?? d.domainPath,
      message: `${r.changed.length} source${r.changed.length === 1 ? '' : 's'} changed (${r.changed.join(', ')}); ${r.digested} digested again; the critic's verdict: ${r.critique?.verdict ?? 'none'}, ${issues} open issue${issues === 1 ? '' : 's'}`,
    };
  }
  const o = await runTask(ctx, journal, { domain: d.domainPath, note: d.path, task: d.routine.task });
  if (o.outcome === 'applied') return { outcome: 'applied', path: o.entry!.path, message: `Applied to ${o.entry!.path} (journal ${o.entry!.id}); undo restores it` };
  return { outcome: 'proposal', path: o.proposalPath!, message: `A proposal (mode ${o.mode}) is in the inbox${o.reasons.length ? `: ${o.reasons.join('; ')}` : ''}` };
}

const CHARS_PER_TOKEN = 4;
const PROMPT_OVERHEAD = 300;

async function textLength(ctx: AgentContext, path: string): Promise<number> {
  try {
    return parseNote(await ctx.vault.read(path)).body.length;
  } catch {
    return 0;
  }
}

/** Planned model calls and tokens of one due routine, as a dry run shows them. */
async function plan(ctx: AgentContext, d: DueRoutine, maxChars?: number): Promise<PlannedRoutine> {
  const distillate = await textLength(ctx, ctx.model.generatedPath(d.domainPath, 'distillate'));
  if (d.routine.task === RECHECK_SOURCES) {
    const changed = await changedSources({ vault: ctx.vault, data: ctx.data, model: ctx.model, outputFolder: ctx.outputFolder, maxChars }, d.domainPath);
    let digestTokens = 0;
    for (const p of changed) digestTokens += Math.ceil(Math.min(await textLength(ctx, p), maxChars ?? DEFAULT_MAX_CHARS) / CHARS_PER_TOKEN) + PROMPT_OVERHEAD + 500;
    const critic = changed.length > 0 ? Math.ceil(distillate / CHARS_PER_TOKEN) + 2500 + 1000 : 0;
    return {
      ...d,
      calls: changed.length + (changed.length > 0 ? 1 : 0),
      tokens: digestTokens + critic,
      note: `${changed.length} changed note source${changed.length === 1 ? '' : 's'} to digest again${changed.length ? ', then the critic' : ''}; web sources are fetched again and digested only if they changed`,
    };
  }
  const mode = modeOf(ctx.model, d.domainPath);
  const prompt = Math.ceil((await textLength(ctx, d.path)) / CHARS_PER_TOKEN) + Math.ceil(distillate / CHARS_PER_TOKEN) + PROMPT_OVERHEAD;
  const actor = prompt + (mode === 'propose' ? 900 : 300);
  const critic = mode === 'automate' ? prompt + 350 : 0;
  return { ...d, calls: mode === 'automate' ? 2 : 1, tokens: actor + critic, note: `mode ${mode}: ${mode === 'automate' ? 'the actor, then the critic; applied if it passes' : mode === 'assist' ? 'one draft as a proposal' : 'options as a proposal'}` };
}

