import { Notice, Setting, TFile, debounce, type TAbstractFile } from 'obsidian';
import { refreshEvidence } from '../agents/evidence';
import { runRoutines, type DueRoutine, type RoutineRun } from '../agents/routines';
import type { AgentContext } from '../agents/context';
import { isInside } from '../core/layout';
import type { RoutineSettings } from '../agents/routine-settings';
import { describe } from './agent-runner';
import { fieldError } from './model-settings';
import type GroundworkPlugin from './main';

/**
 * Routines and evidence inside Obsidian. Routines fire from vault changes (debounced, only once
 * the vault is indexed after layout-ready, never for Groundwork's own writes: the engine skips
 * those) and from a periodic check for daily and weekly ones. The status bar says when one runs;
 * a notice links what it changed or proposed. The evidence behind the map (probation, changed
 * sources) is refreshed after changes, so the map and the Gate see it.
 */

/** Quiet time after the last change before routines look at the vault. */
export const ROUTINE_DEBOUNCE_MS = 1000;
/** How often the daily and weekly routines are checked while Obsidian is open. */
const PERIODIC_CHECK_MS = 15 * 60 * 1000;
const EVIDENCE_DEBOUNCE_MS = 1500;

export class Autonomy {
  private readonly statusEl: HTMLElement;
  private started = false;
  private dirty = false;
  private running = false;
  private waiters: (() => void)[] = [];
  private controller: AbortController | null = null;
  private warnedNoModel = false;
  private readonly kickSoon = debounce(() => void this.kick(), ROUTINE_DEBOUNCE_MS, true);
  private evidencePending: Promise<void> = Promise.resolve();
  private evidenceScheduled = false;
  private evidenceKey = '';
  private readonly evidenceDebounced = debounce(() => this.evidenceNow(), EVIDENCE_DEBOUNCE_MS, true);

  constructor(private readonly plugin: GroundworkPlugin) {
    this.statusEl = plugin.addStatusBarItem();
    this.statusEl.addClass('groundwork-status');
    this.statusEl.hide();
  }

  /** Call once layout is ready: waits for the initial index, then listens. */
  async start(): Promise<void> {
    const { app } = this.plugin;
    await this.plugin.live.ensure();
    this.started = true;
    this.plugin.registerEvent(app.metadataCache.on('changed', (file) => this.onChange(file)));
    this.plugin.registerEvent(app.vault.on('rename', (file) => this.onChange(file)));
    this.plugin.registerInterval(window.setInterval(() => this.schedule(), PERIODIC_CHECK_MS));
    this.plugin.register(this.plugin.live.onChange(() => this.evidenceSoon()));
    this.evidenceNow();
    // What changed while Obsidian was closed is due now (the first run ever only records a baseline).
    this.schedule();
  }

  stop(): void {
    this.kickSoon.cancel();
    this.evidenceDebounced.cancel();
    this.controller?.abort();
    this.flush();
  }

  /** Resolves once every change seen so far has been handled and the evidence is current. */
  async whenIdle(): Promise<void> {
    if (this.dirty || this.running) await new Promise<void>((resolve) => this.waiters.push(resolve));
    // A refresh still waiting for quiet runs now: the caller wants the map as it is.
    if (this.evidenceScheduled) this.evidenceNow();
    await this.evidencePending;
  }

  private evidenceSoon(): void {
    this.evidenceScheduled = true;
    this.evidenceDebounced();
  }

  private evidenceNow(): void {
    this.evidenceDebounced.cancel();
    this.evidenceScheduled = false;
    this.evidencePending = this.evidencePending.then(() => this.refreshEvidence());
  }

  private onChange(file: TAbstractFile): void {
    if (!(file instanceof TFile) || file.extension !== 'md') return;
    // Generated notes and proposals never fire routines; the engine checks again, this saves a pass.
    if (isInside(file.path, this.plugin.settings.outputFolder)) return;
    this.schedule();
  }

  private schedule(): void {
    if (!this.started) return;
    this.dirty = true;
    this.kickSoon();
  }

  private flush(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private async kick(): Promise<void> {
    // One pass at a time, and never beside a job the person started: try again shortly.
    if (this.running || this.plugin.runner.busy) {
      this.kickSoon();
      return;
    }
    this.dirty = false;
    this.running = true;
    try {
      await this.pass();
    } catch (err) {
      new Notice(`Groundwork: routines stopped. ${describe(err)}`, 0);
    } finally {
      this.running = false;
      this.controller = null;
      this.statusEl.empty();
      this.statusEl.hide();
      if (!this.dirty) this.flush();
    }
  }

  private settings(): RoutineSettings {
    return this.plugin.settings.routines;
  }

  private async pass(): Promise<void> {
    const s = this.settings();
    if (s.paused) return;
    const controller = new AbortController();
    this.controller = controller;
    let ctx: AgentContext;
    try {
      ctx = await this.plugin.runner.context(controller.signal);
    } catch {
      // No model set: routines that are due wait for one; the baseline and bookkeeping still run.
      ctx = await this.plugin.runner.localContext();
      const journal = this.plugin.journal(ctx);
      const preview = await runRoutines(ctx, journal, { limits: s, dryRun: true });
      if (preview.planned.length > 0) {
        if (!this.warnedNoModel) new Notice(`Groundwork: ${preview.planned.length} routine${preview.planned.length === 1 ? ' is' : 's are'} due, but no model is set. Set one in Groundwork settings.`, 0);
        this.warnedNoModel = true;
        return;
      }
    }
    const journal = this.plugin.journal(ctx);
    await refreshEvidence({ vault: ctx.vault, data: ctx.data, model: ctx.model, outputFolder: ctx.outputFolder, maxChars: this.plugin.settings.maxSourceChars }, undefined, journal);
    const report = await runRoutines(ctx, journal, {
      limits: s,
      maxChars: this.plugin.settings.maxSourceChars,
      onStart: (d) => this.showRunning(d),
      onDone: (r) => this.notify(r),
    });
    if (report.runs.length > 0) {
      this.plugin.live.notify();
      this.evidenceNow();
    }
  }

  private showRunning(d: DueRoutine): void {
    this.statusEl.empty();
    this.statusEl.createSpan({ text: `Groundwork: routine running — ${d.domain}: ${d.routine.line}` });
    const cancel = this.statusEl.createEl('a', { text: 'Cancel', cls: 'groundwork-status-cancel', href: '#' });
    cancel.addEventListener('click', (evt) => {
      evt.preventDefault();
      this.controller?.abort();
    });
    this.statusEl.show();
  }

  private notify(r: RoutineRun): void {
    const frag = createFragment();
    const head = frag.createDiv({ text: `Groundwork routine · ${r.domain} · ${r.routine}: ` });
    const verb: Record<RoutineRun['outcome'], string> = { applied: 'applied to ', proposal: 'a proposal: ', skipped: 'skipped. ', failed: 'failed. ' };
    head.appendText(verb[r.outcome]);
    if (r.outcome === 'applied' || r.outcome === 'proposal') {
      const a = head.createEl('a', { text: r.path.slice(r.path.lastIndexOf('/') + 1).replace(/\.md$/i, ''), href: '#' });
      a.addEventListener('click', (evt) => {
        evt.preventDefault();
        void this.plugin.app.workspace.openLinkText(r.path, '', false);
      });
    }
    frag.createDiv({ cls: 'groundwork-muted', text: r.message });
    new Notice(frag, r.outcome === 'failed' || r.outcome === 'skipped' ? 0 : 10_000);
  }

  /** Re-reads the journal, outcomes and sources; the map is redrawn only when something moved. */
  private async refreshEvidence(): Promise<void> {
    try {
      const ctx = await this.plugin.runner.localContext();
      const facts = await refreshEvidence({ vault: ctx.vault, data: ctx.data, model: ctx.model, outputFolder: ctx.outputFolder, maxChars: this.plugin.settings.maxSourceChars });
      const key = JSON.stringify([...facts]);
      if (key !== this.evidenceKey) {
        this.evidenceKey = key;
        this.plugin.live.notify();
      }
    } catch (err) {
      // The map keeps its last evidence; the next change tries again.
      console.warn('Groundwork: could not refresh the evidence', err);
    }
  }
}

/** The routine settings, in the settings tab. */
export function displayRoutineSettings(containerEl: HTMLElement, plugin: GroundworkPlugin): void {
  // trySettings, not updateSettings: a value refused while typing shows under its field, not as a notice per keystroke.
  const set = async (patch: Partial<RoutineSettings>) => plugin.trySettings({ routines: { ...plugin.settings.routines, ...patch } });
  new Setting(containerEl).setName('Routines').setHeading();
  new Setting(containerEl)
    .setName('Pause all routines')
    .setDesc('Routines are standing orders in a domain note (routines: "new note: add links"). While paused, none runs, here or from the command line.')
    .addToggle((t) => t.setValue(plugin.settings.routines.paused).onChange(async (value) => void (await set({ paused: value }))));
  const cap = (name: string, desc: string, key: 'maxRunsPerDay' | 'maxTokensPerDay') => {
    const setting = new Setting(containerEl).setName(name).setDesc(desc);
    const show = fieldError(setting);
    setting.addText((text) =>
      text.setValue(String(plugin.settings.routines[key])).onChange(async (value) => {
        const n = Number(value);
        show(value.trim() !== '' && Number.isInteger(n) && n >= 0 ? await set({ [key]: n }) : 'A whole number from 0 up');
      }),
    );
  };
  cap('Routine runs per domain per day', 'When a domain reaches it, its routines stop until tomorrow and say so.', 'maxRunsPerDay');
  cap('Routine tokens per domain per day', 'Model tokens routines may spend in one domain per day; no call starts past it.', 'maxTokensPerDay');
}
