import { Notice, Plugin, TFile, type WorkspaceLeaf } from 'obsidian';
import { loadSettings, settingsSchema, withUnknownKeys, type Settings } from './settings-schema';
import { ObsidianDataFolder, ObsidianVault } from './obsidian-vault';
import { LiveModel } from './live-model';
import { AutonomyMapView, VIEW_TYPE_AUTONOMY_MAP } from './map-view';
import { GroundworkSettingTab } from './settings-tab';
import { AgentRunner } from './agent-runner';
import { Autonomy } from './routines';
import { critiqueDomain, research, skeletonDomain } from '../agents/research';
import { basename, isInside, inboxFolder } from '../core/layout';
import { signOff, signOffReport } from '../agents/signoff';
import { modeOf, runTask } from '../agents/gate';
import { acceptProposal, planAccept, rejectProposal } from '../agents/accept';
import { listInbox, parseOptions } from '../agents/proposals';
import type { AgentContext } from '../agents/context';
import { Journal } from '../journal';
import { describe } from './agent-runner';
import { registerAdoptAsDomain } from './adopt-as-domain';
import { AcceptModal, InboxModal, SignOffModal, TaskModal } from './modals';
import { writeDomainsBase } from './domains-base-command';
import { renderDistillateBlock } from './distillate-block';
import { SkeletonCanvasSync } from './skeleton-sync';
import { DISTILLATE_FENCE } from '../core/distillate';

export default class GroundworkPlugin extends Plugin {
  settings!: Settings;
  /** data.json as loaded: keys a newer version wrote are saved back with the settings. */
  private stored: unknown = null;
  live!: LiveModel;
  runner!: AgentRunner;
  autonomy!: Autonomy;
  canvasSync!: SkeletonCanvasSync;

  override async onload(): Promise<void> {
    // Only cheap registration here: reading the vault waits for layout-ready so start-up stays fast.
    this.stored = await this.loadData();
    const { settings, warnings } = loadSettings(this.stored);
    this.settings = settings;
    const port = new ObsidianVault(this.app);
    const dataDir = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    this.live = new LiveModel(this.app, port, () => this.settings.outputFolder, new ObsidianDataFolder(this.app, dataDir));
    this.runner = new AgentRunner(this.app, port, this.live, dataDir, () => this.settings, this.addStatusBarItem());
    this.registerView(VIEW_TYPE_AUTONOMY_MAP, (leaf) => new AutonomyMapView(leaf, this.live));
    // The distillate note holds its YAML once; this shows it readably, citations clickable.
    this.registerMarkdownCodeBlockProcessor(DISTILLATE_FENCE, (source, el, ctx) => renderDistillateBlock(this.app, source, el, ctx.sourcePath));
    this.canvasSync = new SkeletonCanvasSync(this.app, port, () => this.settings.outputFolder, (m) => new Notice(`Groundwork: ${m}`));
    this.addCommand({
      id: 'open-autonomy-map',
      name: 'Open autonomy map',
      callback: () => void this.openMap(),
    });
    this.addCommand({
      id: 'research-domain',
      name: 'Research this domain',
      checkCallback: (checking) => this.onNote(checking, (file) => this.runner.research('Research', async (ctx) => research(ctx, { domain: file.path, maxSources: this.settings.maxSources, maxChars: this.settings.maxSourceChars, searchEndpoint: this.settings.searchEndpoint || undefined, index: await this.live.ensureIndex() }))),
    });
    this.addCommand({
      id: 'critique-distillate',
      name: 'Critique the distillate',
      checkCallback: (checking) => this.onDomain(checking, (domainPath) => this.runner.research('Critique', (ctx) => critiqueDomain(ctx, domainPath))),
    });
    this.addCommand({
      id: 'draft-skeleton',
      name: 'Draft the skeleton',
      checkCallback: (checking) => this.onDomain(checking, (domainPath) => this.runner.research('Skeleton', (ctx) => skeletonDomain(ctx, domainPath))),
    });
    this.addCommand({
      id: 'sign-off-domain',
      name: 'Sign off this domain',
      checkCallback: (checking) => this.onDomain(checking, (domainPath) => this.openSignOff(domainPath)),
    });
    this.addCommand({
      id: 'run-task',
      name: 'Run a task in this domain',
      checkCallback: (checking) => this.onMember(checking, (domainPath, notePath) => this.openTask(domainPath, notePath)),
    });
    this.addCommand({
      id: 'accept-proposal',
      name: 'Accept proposal',
      checkCallback: (checking) => this.onProposal(checking, (path) => this.openAccept(path)),
    });
    this.addCommand({
      id: 'reject-proposal',
      name: 'Reject proposal',
      checkCallback: (checking) => this.onProposal(checking, (path) => this.local('Reject', async (ctx) => new Notice(`Rejected ${await rejectProposal(ctx, path)}; nothing changed.`))),
    });
    this.addCommand({
      id: 'open-inbox',
      name: 'Open inbox',
      callback: () =>
        void this.local('Inbox', async (ctx) => {
          const items = (await listInbox(ctx.vault, ctx.outputFolder)).filter((i) => i.status === 'pending');
          new InboxModal(this.app, items, (path) => void this.app.workspace.openLinkText(path, '', false)).open();
        }),
    });
    this.addCommand({
      id: 'undo-last-change',
      name: 'Undo last agent change',
      callback: () =>
        void this.local('Undo', async (ctx) => {
          const e = await this.journal(ctx).undo();
          new Notice(`Groundwork: undone — ${e.kind === 'create' ? `moved ${e.path} to the trash` : `restored ${e.path} as it was`}.`);
        }),
    });
    this.addCommand({
      id: 'create-domains-base',
      name: 'Create the domains base',
      callback: () => void this.domainsBase(port, dataDir, true),
    });
    this.addCommand({
      id: 'cancel-run',
      name: 'Cancel the running job',
      checkCallback: (checking) => {
        if (!this.runner.busy) return false;
        if (!checking) this.runner.cancel();
        return true;
      },
    });
    registerAdoptAsDomain(this, this.live, () => this.runner.localContext(), () => this.settings.outputFolder);
    this.addSettingTab(new GroundworkSettingTab(this.app, this));
    this.autonomy = new Autonomy(this);
    this.app.workspace.onLayoutReady(() => {
      this.live.attach((ref) => this.registerEvent(ref));
      void this.autonomy.start();
      this.canvasSync.attach((ref) => this.registerEvent(ref));
      for (const w of warnings) new Notice(`Groundwork: ${w}`);
      if (!this.settings.domainsBaseOffered) void this.domainsBase(port, dataDir, false).then(() => this.updateSettings({ domainsBaseOffered: true }));
    });
  }

  override onunload(): void {
    this.autonomy?.stop();
    this.runner?.cancel();
    this.live?.dispose();
  }

  private journalOf: { outputFolder: string; journal: Journal } | null = null;

  /** The one journal of the plugin's data folder, rebuilt only when the output folder changes. */
  journal(ctx: AgentContext): Journal {
    if (this.journalOf?.outputFolder !== ctx.outputFolder) {
      const journal = new Journal(ctx.vault, this.runner.data, { outputFolder: ctx.outputFolder, onProblem: (m) => new Notice(`Groundwork: ${m}`) });
      this.journalOf = { outputFolder: ctx.outputFolder, journal };
    }
    return this.journalOf.journal;
  }

  /**
   * The trust of every domain as a table in Obsidian's Bases (a core plugin since 1.9, below our
   * minAppVersion): once on first enable, then whenever the person asks.
   */
  private domainsBase(port: ObsidianVault, dataDir: string, open: boolean): Promise<void> {
    const p = writeDomainsBase(this.app, { vault: port, data: new ObsidianDataFolder(this.app, dataDir), outputFolder: this.settings.outputFolder }, { open }).then(
      () => undefined,
      (err) => void new Notice(`Groundwork: Domains base failed. ${describe(err)}`, 0),
    );
    this.localWork = Promise.all([this.localWork, p]);
    return p;
  }

  private localWork: Promise<unknown> = Promise.resolve();

  /** Resolves when agent runs and local work started by commands have ended. */
  async whenIdle(): Promise<void> {
    await this.runner.whenIdle();
    await this.localWork;
    await this.canvasSync.idle();
  }

  /** Runs work that calls no model, with one notice on failure. */
  private local(label: string, job: (ctx: AgentContext) => Promise<unknown>): Promise<void> {
    const p = this.localNow(label, job);
    this.localWork = Promise.all([this.localWork, p]);
    return p;
  }

  private async localNow(label: string, job: (ctx: AgentContext) => Promise<unknown>): Promise<void> {
    try {
      await job(await this.runner.localContext());
      this.live.notify();
    } catch (err) {
      new Notice(`Groundwork: ${label} failed. ${describe(err)}`, 0);
    }
  }

  private async openSignOff(domainPath: string): Promise<void> {
    await this.local('Sign-off', async (ctx) => {
      const report = await signOffReport(ctx, domainPath);
      new SignOffModal(this.app, report, () =>
        void this.local('Sign-off', async (c) => {
          const done = await signOff(c, domainPath);
          new Notice(`Groundwork: signed off ${done.domain} on ${done.date}.`);
        }),
      ).open();
    });
  }

  private async openTask(domainPath: string, notePath: string): Promise<void> {
    const model = await this.live.ensure();
    new TaskModal(this.app, basename(domainPath), notePath, modeOf(model, domainPath), (task) => {
      void this.runner.run(
        'Task',
        (ctx) => runTask(ctx, this.journal(ctx), { domain: domainPath, note: notePath, task }),
        (o) => {
          if (o.notes.length > 0) new Notice(`Groundwork: ${o.notes.join('; ')}.`, 10_000);
          if (o.outcome === 'applied') new Notice(`Groundwork: applied to ${o.entry!.path} (journal ${o.entry!.id}). "Undo last agent change" reverts it.`, 10_000);
          else {
            new Notice(`Groundwork: a proposal is in the inbox${o.reasons.length ? `: ${o.reasons.join('; ')}` : ''}.`, 10_000);
            if (o.proposalPath) void this.app.workspace.openLinkText(o.proposalPath, '', false);
          }
        },
      );
    }).open();
  }

  private async openAccept(proposalPath: string): Promise<void> {
    await this.local('Accept', async (ctx) => {
      const options = parseOptions(await ctx.vault.read(proposalPath));
      if (options.length === 0) throw new Error(`${proposalPath} has no option block to apply`);
      new AcceptModal(
        this.app,
        proposalPath,
        options,
        async (n) => planAccept(await this.runner.localContext(), proposalPath, n),
        (n) =>
          void this.local('Accept', async (c) => {
            const { plan, entry } = await acceptProposal(c, this.journal(c), proposalPath, n);
            new Notice(`Groundwork: applied option ${plan.option} to ${plan.target} (journal ${entry.id}).`);
          }),
      ).open();
    });
  }

  /** The active note when it is a pending proposal in the inbox. */
  private onProposal(checking: boolean, act: (path: string) => Promise<unknown>): boolean {
    const file = this.app.workspace.getActiveFile();
    if (!(file instanceof TFile) || !isInside(file.path, inboxFolder(this.settings.outputFolder))) return false;
    const fm = this.app.metadataCache.getFileCache(file)?.frontmatter;
    if (fm?.groundwork !== 'proposal' || (fm.status !== undefined && fm.status !== 'pending')) return false;
    if (!checking) void act(file.path);
    return true;
  }

  /** The active note and its domain, for a task: the domain note itself or one of its members. */
  private onMember(checking: boolean, act: (domainPath: string, notePath: string) => Promise<unknown>): boolean {
    const file = this.app.workspace.getActiveFile();
    const model = this.live.current();
    if (!(file instanceof TFile) || !model || isInside(file.path, this.settings.outputFolder)) return false;
    const rec = model.get(file.path);
    if (!rec) return false;
    const domainPath = rec.role === 'domain' ? rec.path : (model.domainsOf(rec)[0] ?? null);
    if (!domainPath) return false;
    if (!checking) void act(domainPath, file.path);
    return true;
  }

  /** The active markdown note outside the output folder: any such note can be researched (and adopted). */
  private onNote(checking: boolean, act: (file: TFile) => Promise<unknown>): boolean {
    const file = this.app.workspace.getActiveFile();
    if (!(file instanceof TFile) || file.extension !== 'md' || isInside(file.path, this.settings.outputFolder)) return false;
    if (!checking) void act(file);
    return true;
  }

  /** The domain of the active note: the domain note itself, or the domain a generated note belongs to. */
  private onDomain(checking: boolean, act: (domainPath: string) => Promise<unknown>): boolean {
    const file = this.app.workspace.getActiveFile();
    const model = this.live.current();
    if (!(file instanceof TFile) || !model) return false;
    const rec = model.get(file.path);
    if (!rec) return false;
    const domainPath = rec.role === 'domain' ? rec.path : rec.role !== null ? (model.domainsOf(rec)[0] ?? null) : null;
    if (!domainPath) return false;
    if (!checking) void act(domainPath);
    return true;
  }

  async openMap(): Promise<WorkspaceLeaf> {
    const existing = this.app.workspace.getLeavesOfType(VIEW_TYPE_AUTONOMY_MAP)[0];
    const leaf = existing ?? this.app.workspace.getLeaf('tab');
    if (!existing) await leaf.setViewState({ type: VIEW_TYPE_AUTONOMY_MAP, active: true });
    await this.app.workspace.revealLeaf(leaf);
    return leaf;
  }

  async updateSettings(patch: Partial<Settings>): Promise<boolean> {
    const next = settingsSchema.safeParse({ ...this.settings, ...patch });
    if (!next.success) {
      new Notice(`Groundwork: ${next.error.issues[0]?.message ?? 'invalid setting'}`);
      return false;
    }
    const folderChanged = next.data.outputFolder !== this.settings.outputFolder;
    this.settings = next.data;
    await this.saveData(withUnknownKeys(this.stored, this.settings));
    if (folderChanged) {
      this.live.reset();
      await this.live.ensure();
      this.live.notify();
    }
    return true;
  }
}
