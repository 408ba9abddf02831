import { watch, type FSWatcher } from 'node:fs';
import { parseArgs } from 'node:util';
import { runRoutines, type PlannedRoutine, type RoutineLimits, type RoutineRun, type RoutinesReport } from '../../agents/routines';
import { routineSettingsFrom } from '../../agents/routine-settings';
import { refreshEvidence } from '../../agents/evidence';
import { DEFAULT_OUTPUT_FOLDER, isInside } from '../../core/layout';
import { Journal } from '../../journal';
import { llmConfigFromEnv } from '../../llm';
import { loadCliModel } from '../cli-model';
import type { NodeVault } from '../node-vault';
import { cliAgentContext } from '../agent-context';
import { CliFailure, UsageError } from '../errors';
import type { CliIO } from '../io';

/**
 * `groundwork routines <vault> [--once | --watch] [--dry-run] [--json]` (DESIGN §5): runs each
 * domain's routines that are due since the last run. `--once` (the default) suits cron; `--watch`
 * keeps watching the folder until Ctrl-C. Exit 0 whatever each routine's outcome, 1 only when
 * the routines cannot run at all.
 */

export const ROUTINES_USAGE = 'groundwork routines <vault> [--once | --watch] [--dry-run] [--json]';

interface Flags {
  once: boolean;
  watch: boolean;
  dryRun: boolean;
  json: boolean;
}

function parseFlags(args: string[]): { vault: string; flags: Flags } {
  let p;
  try {
    p = parseArgs({ args, options: { once: { type: 'boolean' }, watch: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (p.positionals.length !== 1) throw new UsageError(`expected ${ROUTINES_USAGE.replace('groundwork ', '')}`);
  if (p.values.once && p.values.watch) throw new UsageError('choose --once or --watch, not both');
  if (p.values.watch && p.values['dry-run']) throw new UsageError('--dry-run plans one pass; it cannot be combined with --watch');
  return { vault: p.positionals[0]!, flags: { once: p.values.once === true, watch: p.values.watch === true, dryRun: p.values['dry-run'] === true, json: p.values.json === true } };
}

function wholeNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, not "${raw}"`);
  return n;
}

function sourceChars(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n >= 1000 && n <= 200_000 ? n : undefined;
}

function jsonRun(r: RoutineRun) {
  return { domain: r.domain, routine: r.routine, trigger: r.trigger, outcome: r.outcome, path: r.path };
}

function printPass(io: CliIO, report: RoutinesReport, flags: Flags): void {
  if (flags.dryRun) {
    const planned = report.planned;
    if (flags.json) {
      io.out(JSON.stringify(planned.map((p) => ({ domain: p.domain, routine: p.routine.line, trigger: p.trigger, outcome: 'skipped', path: p.path, calls: p.calls, tokens: p.tokens })), null, 2));
      return;
    }
    if (report.baseline) io.out(`Dry run: this would be the first run, which only records ${report.baselineNotes} notes as the baseline and runs nothing.`);
    if (planned.length === 0 && !report.baseline) io.out('Dry run: nothing is due.');
    for (const p of planned) io.out(`would run  ${p.domain}  ${p.routine.line}  on ${p.path}  — ${p.calls} call${p.calls === 1 ? '' : 's'}, about ${p.tokens.toLocaleString('en-US')} tokens (${p.note})`);
    if (planned.length > 0) {
      const calls = planned.reduce((n, p) => n + p.calls, 0);
      const tokens = planned.reduce((n, p) => n + p.tokens, 0);
      io.out(`Planned: ${planned.length} routine${planned.length === 1 ? '' : 's'}, ${calls} model call${calls === 1 ? '' : 's'}, about ${tokens.toLocaleString('en-US')} tokens. Nothing was written and no model was called.`);
    }
    return;
  }
  if (flags.json) {
    io.out(JSON.stringify(report.runs.map(jsonRun), null, flags.watch ? 0 : 2));
    return;
  }
  if (report.baseline) io.out(`First run: recorded ${report.baselineNotes} note${report.baselineNotes === 1 ? '' : 's'} of the domains with routines as the baseline; nothing ran. The next runs act on what changes.`);
  else if (report.runs.length === 0 && !flags.watch) io.out('Nothing due: no routine was triggered since the last run.');
  for (const r of report.runs) io.out(`${r.outcome.padEnd(8)}  ${r.domain}  ${r.routine}  ${r.path}\n          ${r.message}`);
}

export async function routinesCommand(io: CliIO, args: string[]): Promise<number> {
  const { vault: vaultArg, flags } = parseFlags(args);
  // Model settings are needed only when something is due; a missing one is reported then.
  let modelProblem: string | null = null;
  try {
    llmConfigFromEnv(io.env, {});
  } catch (err) {
    modelProblem = err instanceof Error ? err.message : String(err);
  }
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, {}, { planOnly: true });
  try {
    const settings = routineSettingsFrom(JSON.parse((await ctx.data.read('data.json')) ?? 'null'));
    if (settings.paused && !flags.dryRun) {
      io.err("Routines are paused in Groundwork's settings (Obsidian); nothing ran. Turn \"Pause routines\" off to let them run.");
      if (flags.json) io.out('[]');
      return 0;
    }
    const limits: RoutineLimits = {
      maxRunsPerDay: wholeNumber(io.env.GROUNDWORK_ROUTINE_RUNS, 'GROUNDWORK_ROUTINE_RUNS') ?? settings.maxRunsPerDay,
      maxTokensPerDay: wholeNumber(io.env.GROUNDWORK_ROUTINE_TOKENS, 'GROUNDWORK_ROUTINE_TOKENS') ?? settings.maxTokensPerDay,
    };
    const journal = new Journal(ctx.vault, ctx.data, { outputFolder: ctx.outputFolder, onProblem: (m) => io.err(`warning: ${m}`) });
    const maxChars = sourceChars(io.env.GROUNDWORK_SOURCE_CHARS);
    const pass = async (): Promise<RoutinesReport> => {
      // Probation must be known before the Gate decides a routine's mode.
      await refreshEvidence({ vault: ctx.vault, data: ctx.data, model: ctx.model, outputFolder: ctx.outputFolder, maxChars }, undefined, journal);
      if (!flags.dryRun && modelProblem) {
        const preview = await runRoutines(ctx, journal, { limits, dryRun: true, maxChars });
        if (preview.planned.length > 0) throw new CliFailure(`${preview.planned.length} routine${preview.planned.length === 1 ? ' is' : 's are'} due but no model is set: ${modelProblem}`);
      }
      const report = await runRoutines(ctx, journal, {
        limits,
        dryRun: flags.dryRun,
        maxChars,
        onStart: (d) => io.err(`[routine] ${d.domain}: ${d.routine.line} (${d.path})`),
        onDone: (r) => {
          if (r.outcome === 'skipped' || r.outcome === 'failed') io.err(`[routine] ${r.outcome}: ${r.message}`);
        },
      });
      printPass(io, report, flags);
      return report;
    };
    if (!flags.watch) {
      await pass();
      return 0;
    }
    await watchVault(io, ctx, pass);
    return 0;
  } finally {
    dispose();
  }
}

type Ctx = Awaited<ReturnType<typeof cliAgentContext>>['ctx'];

/** Runs a pass on start, after each burst of changes (debounced) and hourly (daily, weekly); until Ctrl-C. */
async function watchVault(io: CliIO, ctx: Ctx, pass: () => Promise<RoutinesReport>): Promise<void> {
  const vault = ctx.vault as NodeVault;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const again = (): void => {
    running = running.then(async () => {
      if (ctx.signal?.aborted) return;
      try {
        const fresh = await loadCliModel(vault, DEFAULT_OUTPUT_FOLDER);
        for (const r of fresh.all()) ctx.model.set(r);
        for (const r of [...ctx.model.all()]) if (!fresh.get(r.path)) ctx.model.delete(r.path);
        await pass();
      } catch (err) {
        if (ctx.signal?.aborted) return;
        io.err(`groundwork: routines: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  };
  const soon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(again, 1000);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(vault.root, { recursive: true }, (_event, name) => {
      const rel = typeof name === 'string' ? name.split('\\').join('/') : '';
      if (!rel.endsWith('.md') || isInside(rel, ctx.vault.configDir) || isInside(rel, ctx.outputFolder)) return;
      soon();
    });
  } catch (err) {
    throw new CliFailure(`cannot watch ${vault.root}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const hourly = setInterval(again, 60 * 60 * 1000);
  io.err('Watching the vault for routine triggers; Ctrl-C stops.');
  again();
  await new Promise<void>((resolve) => {
    if (ctx.signal?.aborted) resolve();
    ctx.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  watcher.close();
  clearInterval(hourly);
  if (timer) clearTimeout(timer);
  await running;
  io.err('Stopped watching.');
}

export type { PlannedRoutine };
