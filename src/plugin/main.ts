import { Notice, Plugin, TFile, debounce, type WorkspaceLeaf } from 'obsidian';
import { loadSettings, settingsSchema, withUnknownKeys, type Settings } from './settings-schema';
import { ObsidianDataFolder, ObsidianVault } from './obsidian-vault';
import { LiveModel } from './live-model';
import { AutonomyMapView, VIEW_TYPE_AUTONOMY_MAP, type MapActions } from './map-view';
import { InboxView, VIEW_TYPE_INBOX, type InboxActions } from './inbox-view';
import { WelcomeView, VIEW_TYPE_WELCOME } from './welcome-view';
import { GroundworkSettingTab } from './settings-tab';
import { AgentRunner } from './agent-runner';
import { Autonomy } from './routines';
import { critiqueDomain, research, skeletonDomain, type ResearchOptions } from '../agents/research';
import { basename, isInside, inboxFolder, parentFolder } from '../core/layout';
import { signOff, signOffReport } from '../agents/signoff';
import { modeOf, runTask } from '../agents/gate';
import { acceptProposal, planAccept, rejectProposal } from '../agents/accept';
import { listInbox, parseOptions, withOptionContent } from '../agents/proposals';
import { adoptIfNeeded } from '../agents/domain-note';
import { adoptRule, planRule } from '../agents/adopt-rule';
import type { VaultModel } from '../core/vault-model';
import type { AgentContext } from '../agents/context';
import type { NextStep } from '../core/domain-card';
import { llmConfigFromSettings } from '../llm';
import { Journal } from '../journal';
import { describe } from './agent-runner';
import { registerAdoptAsDomain } from './adopt-as-domain';
import { AcceptModal, AdoptModal, NotePickerModal, ResearchConfirmModal, SignOffModal, TaskModal, type AdoptFolderOption } from './modals';
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
  private port!: ObsidianVault;

  override async onload(): Promise<void> {
    // Only cheap registration here: reading the vault waits for layout-ready so start-up stays fast.
    this.stored = await this.loadData();
    const { settings, warnings } = loadSettings(this.stored);
    this.settings = settings;
    this.port = new ObsidianVault(this.app);
    const dataDir = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    this.live = new LiveModel(this.app, this.port, () => this.settings.outputFolder, new ObsidianDataFolder(this.app, dataDir));
    this.runner = new AgentRunner(this.app, this.port, this.live, dataDir, () => this.settings, this.addStatusBarItem());
    this.registerView(VIEW_TYPE_AUTONOMY_MAP, (leaf) => new AutonomyMapView(leaf, this.live, this.mapActions()));
    this.registerView(VIEW_TYPE_INBOX, (leaf) => new InboxView(leaf, this.live, this.inboxActions()));
    this.registerView(VIEW_TYPE_WELCOME, (leaf) => new WelcomeView(leaf, this));
    this.addRibbonIcon('map', 'Open autonomy map', () => void this.openMap());
    // The distillate note holds its YAML once; this shows it readably, citations clickable.
    this.registerMarkdownCodeBlockProcessor(DISTILLATE_FENCE, (source, el, ctx) => renderDistillateBlock(this.app, source, el, ctx.sourcePath));
    this.canvasSync = new SkeletonCanvasSync(this.app, this.port, () => this.settings.outputFolder, (m) => new Notice(`Groundwork: ${m}`));
    this.addCommand({
      id: 'open-autonomy-map',
      name: 'Open autonomy map',
      callback: () => void this.openMap(),
    });
    this.addCommand({
      id: 'research-domain',
      name: 'Research this domain',
      checkCallback: (checking) => this.onNote(checking, (file) => this.researchFlow(file.path)),
    });
    this.addCommand({
      id: 'critique-distillate',
      name: 'Critique the distillate',
      checkCallback: (checking) => this.onDomain(checking, async (domainPath) => this.step('critique', domainPath)),
    });
    this.addCommand({
      id: 'draft-skeleton',
      name: 'Draft the skeleton',
      checkCallback: (checking) => this.onDomain(checking, async (domainPath) => this.step('skeleton', domainPath)),
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
      id: 'adopt-domain',
      name: 'Adopt this note as a domain',
      checkCallback: (checking) => this.onNote(checking, async (file) => this.adopt(file.path)),
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
      callback: () => void this.openInbox(),
    });
    this.addCommand({
      id: 'open-welcome',
      name: 'Open the welcome guide',
      callback: () => void this.openWelcome(),
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
      callback: () => void this.domainsBase(this.port, dataDir, true),
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
    // Notes: "Adopt as domain" (with a preview) or "Show on autonomy map"; folders and tags: an include rule.
    this.registerEvent(
      this.app.workspace.on('file-menu', (menu, file) => {
        if (!(file instanceof TFile) || file.extension !== 'md' || isInside(file.path, this.settings.outputFolder)) return;
        const isDomain = this.app.metadataCache.getFileCache(file)?.frontmatter?.groundwork === 'domain';
        if (isDomain) menu.addItem((item) => item.setTitle('Show on autonomy map').setIcon('map').onClick(() => void this.openMap(file.path)));
        else menu.addItem((item) => item.setTitle('Adopt as domain').setIcon('map-pin').onClick(() => void this.adopt(file.path)));
      }),
    );
    registerAdoptAsDomain(this, this.live, () => this.runner.localContext(), () => this.settings.outputFolder);
    this.addSettingTab(new GroundworkSettingTab(this.app, this));
    this.autonomy = new Autonomy(this);
    this.app.workspace.onLayoutReady(() => {
      this.live.attach((ref) => this.registerEvent(ref));
      void this.autonomy.start();
      this.canvasSync.attach((ref) => this.registerEvent(ref));
      for (const w of warnings) new Notice(`Groundwork: ${w}`);
      if (!this.settings.domainsBaseOffered) void this.domainsBase(this.port, dataDir, false).then(() => this.updateSettings({ domainsBaseOffered: true }));
      // First enable: a guide through the setup instead of a silent plugin.
      if (!this.settings.onboardingDone) void this.openWelcome();
    });
  }

  override onunload(): void {
    this.autonomy?.stop();
    this.runner?.cancel();
    this.live?.dispose();
    this.reloadModelSoon?.cancel();
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

  // ---------- the workflow: what the map's and the inbox's buttons start ----------

  /** The server and model are set; otherwise one notice that leads to the settings. */
  modelReady(): boolean {
    const s = this.settings;
    const config = llmConfigFromSettings(s.llm, '');
    const missing = !config.baseURL ? 'No model server is set' : !config.model ? 'No model is chosen' : null;
    if (!missing) return true;
    const frag = createFragment();
    frag.appendText(`Groundwork: ${missing}. `);
    const a = frag.createEl('a', { text: 'Open settings', href: '#', cls: 'groundwork-settings-link' });
    a.addEventListener('click', (evt) => {
      evt.preventDefault();
      this.openSettings();
    });
    new Notice(frag, 15_000);
    return false;
  }

  openSettings(): void {
    const setting = (this.app as unknown as { setting?: { open?: () => void; openTabById?: (id: string) => unknown } }).setting;
    if (setting?.openTabById) {
      setting.open?.();
      setting.openTabById(this.manifest.id);
    } else void this.openWelcome();
  }

  private researchOptions(domain: string, dryRun: boolean): ResearchOptions {
    return {
      domain,
      maxSources: this.settings.maxSources,
      maxChars: this.settings.maxSourceChars,
      searchEndpoint: this.settings.searchEndpoint || undefined,
      linkDomain: this.settings.linkDomainNote,
      dryRun,
      // Asked for by the ranking, after the domain note's digest has started: on a large vault
      // the first build takes a while, and the model need not wait for it.
      index: () => this.live.ensureIndex(),
    };
  }

  /** Research asks first: the dry run in a dialog, then the run; no model call or write before the person confirms. */
  async researchFlow(notePath: string): Promise<void> {
    if (!this.modelReady()) return;
    if (this.settings.skipResearchConfirmation) {
      await this.runResearch(notePath);
      return;
    }
    await this.local('Research', async (ctx) => {
      const plan = await research(ctx, this.researchOptions(notePath, true));
      new ResearchConfirmModal(this.app, plan, () => void this.runResearch(notePath), this.settings.maxSources).open();
    });
  }

  private async runResearch(notePath: string): Promise<void> {
    await this.runner.research('Research', async (ctx) => research(ctx, this.researchOptions(notePath, false)));
  }

  /** A card's next step. */
  async step(step: NextStep, domainPath: string): Promise<void> {
    const linkDomain = this.settings.linkDomainNote;
    switch (step) {
      case 'research':
        return this.researchFlow(domainPath);
      case 'critique':
        if (this.modelReady()) await this.runner.research('Critique', (ctx) => critiqueDomain(ctx, domainPath, { linkDomain }));
        return;
      case 'skeleton':
        if (this.modelReady()) await this.runner.research('Skeleton', (ctx) => skeletonDomain(ctx, domainPath, { linkDomain }));
        return;
      case 'signoff':
        return this.openSignOff(domainPath);
      case 'task':
        return this.openTask(domainPath);
    }
  }

  private mapActions(): MapActions {
    return {
      step: (step, domainPath) => void this.step(step, domainPath),
      adoptPicked: () => void this.adoptPicked(),
      adopt: (path) => void this.adopt(path),
      openInbox: () => void this.openInbox(),
      openNote: (path) => void this.openNote(path),
    };
  }

  private inboxActions(): InboxActions {
    return {
      list: async () => (await listInbox(this.port, this.settings.outputFolder)).filter((i) => i.status === 'pending'),
      options: async (path) => parseOptions(await this.port.read(path)),
      preview: async (path, option, edits) => planAccept(await this.runner.localContext(), path, option, { heading: edits.heading }),
      accept: async (path, option, edits) => {
        const ctx = await this.runner.localContext();
        // The edit lands in the proposal note first: what is applied is always the text there.
        if (edits.content !== undefined) await this.port.process(path, (t) => withOptionContent(t, option, edits.content!));
        const { plan, entry } = await acceptProposal(ctx, this.journal(ctx), path, option, { heading: edits.heading });
        this.live.notify();
        return `Accepted: ${plan.before === null ? 'created' : 'changed'} ${plan.target} (journal ${entry.id}; "Undo last agent change" reverts it).`;
      },
      reject: async (path) => {
        await rejectProposal(await this.runner.localContext(), path);
        this.live.notify();
        return `Rejected ${basename(path)}; nothing changed.`;
      },
      openNote: (path) => void this.openNote(path),
    };
  }

  /** Adopting a note as a domain, after a preview of what is written and which notes join. */
  async adopt(notePath: string): Promise<void> {
    const model = await this.live.ensure();
    const rec = model.get(notePath);
    if (!rec) {
      new Notice(`Groundwork: no note ${notePath} in the vault.`);
      return;
    }
    if (rec.role === 'domain') {
      new Notice(`Groundwork: ${basename(notePath)} is a domain already.`);
      return;
    }
    const writes = ['groundwork: domain', ...(rec.trust.confidence === null ? ['confidence: low'] : [])];
    const joining = model.wouldJoin(notePath);
    const folder = this.folderOption(model, notePath, joining);
    new AdoptModal(this.app, { title: `Adopt ${basename(notePath)} as a domain`, writes, joining, folder: folder ?? undefined }, (withFolder) =>
      void this.local('Adopt', async (ctx) => {
        if (withFolder && folder) {
          // Planned again on the current model: the rule's notes are the ones there now.
          const plan = planRule(ctx.model, { kind: 'folder', folder: folder.folder }, notePath);
          await adoptRule(ctx, plan);
          this.live.notify();
          new Notice(`Groundwork: ${basename(notePath)} is a domain, with every note in ${folder.folder}/ (${plan.joining.length} joined). Its next step on the map: Research.`);
          return;
        }
        await adoptIfNeeded(ctx, ctx.model.get(notePath)!);
        new Notice(`Groundwork: ${basename(notePath)} is a domain. Its next step on the map: Research.`);
      }),
    ).open();
  }

  /**
   * Adopting a note that sits in a folder with other notes: they can join by one rule on it (an
   * "Introduction to Bases" among the pages on Bases). Null at the vault root, in the output
   * folder, or when the folder adds no note to those that would join anyway.
   */
  private folderOption(model: VaultModel, notePath: string, joining: string[]): AdoptFolderOption | null {
    const folder = parentFolder(notePath);
    if (!folder) return null;
    try {
      const plan = planRule(model, { kind: 'folder', folder }, notePath);
      const already = new Set(joining);
      return plan.joining.some((p) => !already.has(p)) ? { folder, joining: plan.joining } : null;
    } catch {
      // A folder that cannot hold a rule (the output folder) simply offers none.
      return null;
    }
  }

  /** The map's "Adopt a note as domain": pick any note that is not one yet. */
  async adoptPicked(): Promise<void> {
    const model = await this.live.ensure();
    const candidates = [...model.all()].filter((r) => r.role === null && !isInside(r.path, this.settings.outputFolder)).map((r) => r.path).sort();
    new NotePickerModal(this.app, candidates, 'Which note is about the area you want to work in?', (p) => void this.adopt(p)).open();
  }

  async openSignOff(domainPath: string): Promise<void> {
    await this.local('Sign-off', async (ctx) => {
      const report = await signOffReport(ctx, domainPath);
      new SignOffModal(
        this.app,
        report,
        () =>
          void this.local('Sign-off', async (c) => {
            const done = await signOff(c, domainPath);
            new Notice(`Groundwork: signed off ${done.domain} on ${done.date}.`);
          }),
        (p) => void this.openNote(p),
      ).open();
    });
  }

  async openTask(domainPath: string, notePath?: string): Promise<void> {
    const model = await this.live.ensure();
    const detail = model.computeMap().domains.find((d) => d.path === domainPath);
    const notes = [domainPath, ...(detail?.memberPaths ?? [])];
    new TaskModal(this.app, basename(domainPath), notePath ?? domainPath, notes, modeOf(model, domainPath), (task, note) => {
      if (!this.modelReady()) return;
      void this.runner.run(
        'Task',
        (ctx) => runTask(ctx, this.journal(ctx), { domain: domainPath, note, task }),
        (o) => {
          if (o.notes.length > 0) new Notice(`Groundwork: ${o.notes.join('; ')}.`, 10_000);
          if (o.outcome === 'applied') new Notice(`Groundwork: applied to ${o.entry!.path} (journal ${o.entry!.id}). "Undo last agent change" reverts it.`, 10_000);
          else {
            new Notice(`Groundwork: a proposal is in the inbox${o.reasons.length ? `: ${o.reasons.join('; ')}` : ''}.`, 10_000);
            void this.openInbox();
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

  /** Opens a note beside the map and the inbox, never in their place. */
  async openNote(path: string): Promise<void> {
    const file = this.app.vault.getFileByPath(path);
    if (!file) {
      new Notice(`Groundwork: ${path} is not in the vault (any more).`);
      return;
    }
    const leaf = this.app.workspace.getLeavesOfType('markdown')[0] ?? this.app.workspace.getLeaf('tab');
    await leaf.openFile(file, { active: true });
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

  async unexploredDomains(): Promise<{ name: string; path: string }[]> {
    const model = await this.live.ensure();
    return model
      .computeMap()
      .domains.filter((d) => d.stage === 'unexplored')
      .map((d) => ({ name: d.name, path: d.path }));
  }

  /** Opens (or reveals) the map; with a domain, marks its card. */
  async openMap(domainPath?: string): Promise<WorkspaceLeaf> {
    const existing = this.app.workspace.getLeavesOfType(VIEW_TYPE_AUTONOMY_MAP)[0];
    const leaf = existing ?? this.app.workspace.getLeaf('tab');
    if (!existing) await leaf.setViewState({ type: VIEW_TYPE_AUTONOMY_MAP, active: true });
    await this.app.workspace.revealLeaf(leaf);
    if (domainPath && leaf.view instanceof AutonomyMapView) leaf.view.show(domainPath);
    return leaf;
  }

  async openInbox(): Promise<WorkspaceLeaf> {
    const leaf = await this.app.workspace.ensureSideLeaf(VIEW_TYPE_INBOX, 'right', { active: true, reveal: true });
    if (leaf.view instanceof InboxView) await leaf.view.refresh();
    return leaf;
  }

  async openWelcome(): Promise<WorkspaceLeaf> {
    const existing = this.app.workspace.getLeavesOfType(VIEW_TYPE_WELCOME)[0];
    const leaf = existing ?? this.app.workspace.getLeaf('tab');
    if (!existing) await leaf.setViewState({ type: VIEW_TYPE_WELCOME, active: true });
    await this.app.workspace.revealLeaf(leaf);
    return leaf;
  }

  /** A change of output folder re-reads the vault once the person stops typing, not per keystroke. */
  private readonly reloadModelSoon = debounce(
    () => {
      this.live.reset();
      void this.live.ensure().then(() => this.live.notify());
    },
    800,
    true,
  );

  /**
   * Validates and saves a settings change; returns what is wrong (for the field that shows it),
   * or null when saved. No notice: the settings tab and the welcome view show the message in place.
   */
  async trySettings(patch: Partial<Settings>): Promise<string | null> {
    const next = settingsSchema.safeParse({ ...this.settings, ...patch });
    if (!next.success) return next.error.issues[0]?.message ?? 'invalid setting';
    const folderChanged = next.data.outputFolder !== this.settings.outputFolder;
    this.settings = next.data;
    await this.saveData(withUnknownKeys(this.stored, this.settings));
    if (folderChanged) this.reloadModelSoon();
    return null;
  }

  /** Saves a settings change made by code (tests, commands); says in a notice when it is refused. */
  async updateSettings(patch: Partial<Settings>): Promise<boolean> {
    const error = await this.trySettings(patch);
    if (error) new Notice(`Groundwork: ${error}`);
    return error === null;
  }

  /** Applies a pending output-folder change now (tests; the debounce does it otherwise). */
  flushSettings(): void {
    this.reloadModelSoon.run();
  }
}
