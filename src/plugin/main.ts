import { Notice, Plugin, TFile, type WorkspaceLeaf } from 'obsidian';
import { loadSettings, settingsSchema, type Settings } from './settings-schema';
import { ObsidianVault } from './obsidian-vault';
import { LiveModel } from './live-model';
import { AutonomyMapView, VIEW_TYPE_AUTONOMY_MAP } from './map-view';
import { GroundworkSettingTab } from './settings-tab';
import { AgentRunner } from './agent-runner';
import { critiqueDomain, research, skeletonDomain } from '../agents/research';
import { isInside } from '../core/layout';

export default class GroundworkPlugin extends Plugin {
  settings!: Settings;
  live!: LiveModel;
  runner!: AgentRunner;

  override async onload(): Promise<void> {
    // Only cheap registration here: reading the vault waits for layout-ready so start-up stays fast.
    const { settings, warnings } = loadSettings(await this.loadData());
    this.settings = settings;
    const port = new ObsidianVault(this.app);
    this.live = new LiveModel(this.app, port, () => this.settings.outputFolder);
    const dataDir = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    this.runner = new AgentRunner(this.app, port, this.live, dataDir, () => this.settings, this.addStatusBarItem());
    this.registerView(VIEW_TYPE_AUTONOMY_MAP, (leaf) => new AutonomyMapView(leaf, this.live));
    this.addCommand({
      id: 'open-autonomy-map',
      name: 'Open autonomy map',
      callback: () => void this.openMap(),
    });
    this.addCommand({
      id: 'research-domain',
      name: 'Research this domain',
      checkCallback: (checking) => this.onNote(checking, (file) => this.runner.run('Research', (ctx) => research(ctx, { domain: file.path, maxSources: this.settings.maxSources, searchEndpoint: this.settings.searchEndpoint || undefined }))),
    });
    this.addCommand({
      id: 'critique-distillate',
      name: 'Critique the distillate',
      checkCallback: (checking) => this.onDomain(checking, (domainPath) => this.runner.run('Critique', (ctx) => critiqueDomain(ctx, domainPath))),
    });
    this.addCommand({
      id: 'draft-skeleton',
      name: 'Draft the skeleton',
      checkCallback: (checking) => this.onDomain(checking, (domainPath) => this.runner.run('Skeleton', (ctx) => skeletonDomain(ctx, domainPath))),
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
    this.addSettingTab(new GroundworkSettingTab(this.app, this));
    this.app.workspace.onLayoutReady(() => {
      this.live.attach((ref) => this.registerEvent(ref));
      for (const w of warnings) new Notice(`Groundwork: ${w}`);
    });
  }

  override onunload(): void {
    this.runner?.cancel();
    this.live?.dispose();
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
    await this.saveData(this.settings);
    if (folderChanged) {
      this.live.reset();
      await this.live.ensure();
      this.live.notify();
    }
    return true;
  }
}
