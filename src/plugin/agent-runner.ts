import { Notice, requestUrl, type App } from 'obsidian';
import { describeError } from '../core/errors';
import type { AgentContext, Progress } from '../agents/context';
import { AgentError, progressCounter } from '../agents/context';
import type { RunResult } from '../agents/research';
import { LlmClient, llmConfigFromSettings, makeRequestUrlFetch } from '../llm';
import { makeHtmlToText } from '../sources/html-text';
import type { Settings } from './settings-schema';
import { yieldToUi, type LiveModel } from './live-model';
import { ObsidianDataFolder, type ObsidianVault } from './obsidian-vault';

const STAGE_LABEL: Record<Progress['stage'], string> = {
  adopt: 'Adopting',
  gather: 'Scout: gathering',
  digest: 'Scout: digesting',
  distill: 'Distilling',
  critique: 'Critiquing',
  skeleton: 'Drafting the skeleton',
  write: 'Writing',
};

/**
 * Runs one agent job at a time inside Obsidian: builds its context from settings, shows each
 * stage in the status bar with a cancel action, and ends with a notice that links the notes it
 * wrote, or says in plain words what failed.
 */
export class AgentRunner {
  private controller: AbortController | null = null;
  private current: Promise<unknown> = Promise.resolve();
  /** One data folder object for every job, so they all share its locks and its journal. */
  readonly data: ObsidianDataFolder;

  constructor(
    private readonly app: App,
    private readonly port: ObsidianVault,
    private readonly live: LiveModel,
    dataDir: string,
    private readonly settings: () => Settings,
    private readonly statusEl: HTMLElement,
  ) {
    this.data = new ObsidianDataFolder(app, dataDir);
    statusEl.addClass('groundwork-status');
    statusEl.hide();
  }

  get busy(): boolean {
    return this.controller !== null;
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Resolves when the running job (if any) has ended, notices included. */
  whenIdle(): Promise<void> {
    return this.current.then(() => undefined);
  }

  /** A context for work that calls no model (accept, reject, sign-off, undo). */
  async localContext(): Promise<AgentContext> {
    return this.context(new AbortController().signal, false);
  }

  /** A context for a model-backed job with its own cancel signal (routines run through it too). */
  async context(signal: AbortSignal, needsModel = true): Promise<AgentContext> {
    const s = this.settings();
    const apiKey = this.app.secretStorage.getSecret(s.apiKeySecret) ?? '';
    // requestUrl avoids CORS failures with local servers; no streaming is needed.
    const fetch = makeRequestUrlFetch(requestUrl);
    const config = llmConfigFromSettings(s.llm, apiKey, { fetch, dangerouslyAllowBrowser: true });
    if (needsModel && !config.baseURL) throw new AgentError('Set the model server in Groundwork settings first');
    if (needsModel && !config.model) throw new AgentError('Choose a model in Groundwork settings first');
    // Local work never calls the model; a placeholder keeps the client constructible.
    if (!needsModel && !config.baseURL) config.baseURL = 'http://127.0.0.1:9/v1';
    const data = this.data;
    return {
      vault: this.port,
      data,
      model: await this.live.ensure(),
      llm: new LlmClient(config, { dataFolder: data, signal }),
      outputFolder: s.outputFolder,
      fetch,
      htmlToText: makeHtmlToText(DOMParser),
      // No DNS in Obsidian: literal addresses and localhost names are checked, other names cannot be.
      network: { allowHosts: s.allowedHosts },
      signal,
      onProgress: (p) => this.show(p),
      yieldNow: yieldToUi,
      keepsModel: true,
    };
  }

  private show(p: Progress): void {
    this.statusEl.empty();
    const counter = progressCounter(p);
    const count = counter ? ` ${counter}` : '';
    this.statusEl.createSpan({ text: `Groundwork: ${STAGE_LABEL[p.stage]}${count}` });
    const cancel = this.statusEl.createEl('a', { text: 'Cancel', cls: 'groundwork-status-cancel', href: '#' });
    cancel.addEventListener('click', (evt) => {
      evt.preventDefault();
      this.cancel();
    });
    this.statusEl.show();
  }

  /** A research step: its written notes are linked in the closing notice. */
  async research(label: string, job: (ctx: AgentContext) => Promise<RunResult>): Promise<RunResult | null> {
    return this.run(label, job, (r, ctx) => this.notifyDone(label, r, ctx.llm.usage));
  }

  run<T>(label: string, job: (ctx: AgentContext) => Promise<T>, onDone?: (result: T, ctx: AgentContext) => void): Promise<T | null> {
    const wasBusy = this.controller !== null;
    const p = this.runNow(label, job, onDone);
    if (!wasBusy) this.current = p;
    return p;
  }

  private async runNow<T>(label: string, job: (ctx: AgentContext) => Promise<T>, onDone?: (result: T, ctx: AgentContext) => void): Promise<T | null> {
    if (this.controller) {
      new Notice('Groundwork is already running a job; cancel it from the status bar first.');
      return null;
    }
    const controller = new AbortController();
    this.controller = controller;
    try {
      const ctx = await this.context(controller.signal);
      this.show({ stage: 'gather', message: label });
      const result = await job(ctx);
      this.live.notify();
      onDone?.(result, ctx);
      return result;
    } catch (err) {
      new Notice(`Groundwork: ${label} failed. ${describe(err)}`, 0);
      return null;
    } finally {
      this.controller = null;
      this.statusEl.empty();
      this.statusEl.hide();
    }
  }

  notifyDone(label: string, result: RunResult, usage: { calls: number; cachedCalls: number; totalTokens: number; cost: number | null }): void {
    const frag = createFragment();
    frag.createDiv({ text: `Groundwork: ${label} done.` });
    const cost = usage.cost === null ? 'cost unknown (no price set for this model)' : `$${usage.cost.toFixed(4)}`;
    frag.createDiv({
      cls: 'groundwork-muted',
      text: `${usage.calls} model call${usage.calls === 1 ? '' : 's'} (${usage.cachedCalls} from cache), ${usage.totalTokens.toLocaleString()} tokens, ${cost}.`,
    });
    const list = frag.createEl('ul');
    for (const w of result.written) {
      const target = w.outcome === 'proposal' && w.proposalPath ? w.proposalPath : w.path;
      const li = list.createEl('li');
      const a = li.createEl('a', { text: target.slice(target.lastIndexOf('/') + 1), href: '#' });
      a.addEventListener('click', (evt) => {
        evt.preventDefault();
        void this.app.workspace.openLinkText(target, '', false);
      });
      if (w.outcome === 'proposal') li.appendText(' (you had edited the note: a proposal to replace it)');
    }
    new Notice(frag, 15_000);
  }
}

/** A failure as a notice's sentence: the same mapping as the CLI's and the MCP server's (core/errors.ts). */
export function describe(err: unknown): string {
  const { message } = describeError(err);
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
