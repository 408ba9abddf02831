import { PluginSettingTab, Setting, type App } from 'obsidian';
import type GroundworkPlugin from './main';

export class GroundworkSettingTab extends PluginSettingTab {
  constructor(
    app: App,
    private readonly plugin: GroundworkPlugin,
  ) {
    super(app, plugin);
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    new Setting(containerEl)
      .setName('Output folder')
      .setDesc('Where generated notes (sources, distillates, critiques, skeletons, proposals) are written.')
      .addText((text) =>
        text.setValue(this.plugin.settings.outputFolder).onChange(async (value) => {
          await this.plugin.updateSettings({ outputFolder: value });
        }),
      );
    new Setting(containerEl)
      .setName('Sources per research run')
      .setDesc('How many sources the scout gathers at most.')
      .addSlider((slider) =>
        slider
          .setLimits(1, 50, 1)
          .setValue(this.plugin.settings.maxSources)
          .setDynamicTooltip()
          .onChange(async (value) => {
            await this.plugin.updateSettings({ maxSources: value });
          }),
      );
  }
}
