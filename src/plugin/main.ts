import { Notice, Plugin, type WorkspaceLeaf } from 'obsidian';
import { loadSettings, settingsSchemaV1, type Settings } from './settings-schema';
import { ObsidianVault } from './obsidian-vault';
import { LiveModel } from './live-model';
import { AutonomyMapView, VIEW_TYPE_AUTONOMY_MAP } from './map-view';
import { GroundworkSettingTab } from './settings-tab';

export default class GroundworkPlugin extends Plugin {
  settings!: Settings;
  live!: LiveModel;

  override async onload(): Promise<void> {
    // Only cheap registration here: reading the vault waits for layout-ready so start-up stays fast.
    const { settings, warnings } = loadSettings(await this.loadData());
    this.settings = settings;
    this.live = new LiveModel(this.app, new ObsidianVault(this.app), () => this.settings.outputFolder);
    this.registerView(VIEW_TYPE_AUTONOMY_MAP, (leaf) => new AutonomyMapView(leaf, this.live));
    this.addCommand({
      id: 'open-autonomy-map',
      name: 'Open autonomy map',
      callback: () => void this.openMap(),
    });
    this.addSettingTab(new GroundworkSettingTab(this.app, this));
    this.app.workspace.onLayoutReady(() => {
      this.live.attach((ref) => this.registerEvent(ref));
      for (const w of warnings) new Notice(`Groundwork: ${w}`);
    });
  }

  override onunload(): void {
    this.live?.dispose();
  }

  async openMap(): Promise<WorkspaceLeaf> {
    const existing = this.app.workspace.getLeavesOfType(VIEW_TYPE_AUTONOMY_MAP)[0];
    const leaf = existing ?? this.app.workspace.getLeaf('tab');
    if (!existing) await leaf.setViewState({ type: VIEW_TYPE_AUTONOMY_MAP, active: true });
    await this.app.workspace.revealLeaf(leaf);
    return leaf;
  }

  async updateSettings(patch: Partial<Settings>): Promise<void> {
    const next = settingsSchemaV1.safeParse({ ...this.settings, ...patch });
    if (!next.success) {
      new Notice(`Groundwork: ${next.error.issues[0]?.message ?? 'invalid setting'}`);
      return;
    }
    const folderChanged = next.data.outputFolder !== this.settings.outputFolder;
    this.settings = next.data;
    await this.saveData(this.settings);
    if (folderChanged) {
      this.live.reset();
      await this.live.ensure();
      this.live.notify();
    }
  }
}
