import { PluginSettingTab, SecretComponent, Setting, type App } from 'obsidian';
import { LLM_PRESETS, testConnection, llmConfigFromSettings, makeRequestUrlFetch, type LlmPresetId } from '../llm';
import { requestUrl } from 'obsidian';
import type GroundworkPlugin from './main';
import { displayRoutineSettings } from './routines';

export class GroundworkSettingTab extends PluginSettingTab {
  /** The connection test in progress, if any. */
  testing: Promise<void> = Promise.resolve();
  constructor(
    app: App,
    private readonly plugin: GroundworkPlugin,
  ) {
    super(app, plugin);
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.plugin.settings;
    const setLlm = async (patch: Partial<typeof s.llm>) => this.plugin.updateSettings({ llm: { ...this.plugin.settings.llm, ...patch } });

    new Setting(containerEl)
      .setName('Output folder')
      .setDesc('Where generated notes (sources, distillates, critiques, skeletons, proposals) are written.')
      .addText((text) => text.setValue(s.outputFolder).onChange(async (value) => void (await this.plugin.updateSettings({ outputFolder: value }))));
    new Setting(containerEl)
      .setName('Sources per research run')
      .setDesc('How many sources the scout gathers at most.')
      .addSlider((slider) =>
        slider
          .setLimits(1, 50, 1)
          .setValue(s.maxSources)
          .setDynamicTooltip()
          .onChange(async (value) => void (await this.plugin.updateSettings({ maxSources: value }))),
      );

    new Setting(containerEl)
      .setName('Characters per source')
      .setDesc('The most the scout reads of one source. A source too long for the model is digested in parts; past this many characters it is cut, and the sources note says so. Fewer characters cost fewer tokens.')
      .addText((text) =>
        text.setValue(String(s.maxSourceChars)).onChange(async (value) => {
          const n = Number(value);
          if (Number.isInteger(n)) await this.plugin.updateSettings({ maxSourceChars: n });
        }),
      );

    new Setting(containerEl).setName('Model server').setHeading();
    new Setting(containerEl)
      .setName('Server')
      .setDesc('Any OpenAI-compatible server.')
      .addDropdown((dd) => {
        for (const [id, p] of Object.entries(LLM_PRESETS)) dd.addOption(id, p.label);
        dd.setValue(s.llm.preset).onChange(async (value) => {
          const preset = value as LlmPresetId;
          await setLlm({ preset, baseURL: preset === 'custom' ? this.plugin.settings.llm.baseURL : LLM_PRESETS[preset].baseURL });
          this.display();
        });
      });
    new Setting(containerEl)
      .setName('Base URL')
      .setDesc('The server’s address, ending in /v1.')
      .addText((text) => text.setValue(s.llm.baseURL).onChange(async (value) => void (await setLlm({ baseURL: value.trim() }))));
    new Setting(containerEl)
      .setName('Model')
      .setDesc('The default model for every agent.')
      .addText((text) => text.setValue(s.llm.model).onChange(async (value) => void (await setLlm({ model: value.trim() }))));
    new Setting(containerEl)
      .setName('API key')
      .setDesc('Kept in Obsidian’s secret storage, never in the plugin’s settings file. Leave empty for local servers.')
      .addComponent((el) =>
        new SecretComponent(this.app, el).setValue(s.apiKeySecret).onChange(async (value) => void (await this.plugin.updateSettings({ apiKeySecret: value }))),
      );
    const status = containerEl.createDiv({ cls: 'groundwork-muted' });
    new Setting(containerEl)
      .setName('Test connection')
      .setDesc('Lists the server’s models, or says what is wrong.')
      .addButton((b) =>
        b.setButtonText('Test').onClick(() => {
          status.setText('Testing…');
          const settings = this.plugin.settings;
          const key = this.app.secretStorage.getSecret(settings.apiKeySecret) ?? '';
          this.testing = testConnection(llmConfigFromSettings(settings.llm, key, { fetch: makeRequestUrlFetch(requestUrl), dangerouslyAllowBrowser: true })).then((report) =>
            status.setText(report.message),
          );
        }),
      );
    new Setting(containerEl)
      .setName('Context window (tokens)')
      .setDesc(
        'How many tokens the model reads at once. Every request is planned to fit: long sources are split, and a server that cuts prompts is reported. Leave it at zero for automatic: 8192 for a local server, the model’s own window for a hosted one. Set it to the context your server loads the model with.',
      )
      .addText((text) =>
        text.setValue(String(s.llm.contextTokens)).onChange(async (value) => {
          const n = Number(value);
          if (Number.isInteger(n) && (n === 0 || n >= 2048)) await setLlm({ contextTokens: n });
        }),
      );
    new Setting(containerEl)
      .setName('Temperature')
      .setDesc('Sampling temperature for every agent, 0 to 2. Low values keep answers close to the sources and the schema.')
      .addText((text) =>
        text.setValue(String(s.llm.temperature)).onChange(async (value) => {
          const n = Number(value);
          if (value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 2) await setLlm({ temperature: n });
        }),
      );
    new Setting(containerEl)
      .setName('Critic and verifier model')
      .setDesc('Optional: a different, stronger model that checks the others’ work (the critique and every automatic change). Empty uses the default model.')
      .addText((text) =>
        text.setValue(s.llm.roleModels.critic ?? '').onChange(async (value) => {
          const model = value.trim();
          const roleModels = { ...this.plugin.settings.llm.roleModels };
          for (const role of ['critic', 'verifier'] as const) {
            if (model) roleModels[role] = model;
            else delete roleModels[role];
          }
          await setLlm({ roleModels });
        }),
      );
    new Setting(containerEl)
      .setName('Cache responses')
      .setDesc('An identical call is answered from the cache instead of being paid again.')
      .addToggle((t) => t.setValue(s.llm.cache).onChange(async (value) => void (await setLlm({ cache: value }))));
    new Setting(containerEl)
      .setName('Web search endpoint')
      .setDesc('Optional: a search URL the scout may query (a JSON API like the one of a self-hosted metasearch).')
      .addText((text) => text.setValue(s.searchEndpoint).onChange(async (value) => void (await this.plugin.updateSettings({ searchEndpoint: value.trim() }))));
    new Setting(containerEl)
      .setName('Allowed local hosts')
      .setDesc(
        'Pages on this device or your own network (localhost, 192.168.…, 10.…) are never fetched, so a link or a redirect cannot reach them. List hosts you want the scout to read anyway, separated by commas. Only addresses and localhost names can be checked here; other names are not looked up.',
      )
      .addTextArea((text) =>
        text.setValue(s.allowedHosts.join(', ')).onChange(async (value) => {
          const hosts = value.split(/[\s,]+/).filter((h) => h !== '');
          await this.plugin.updateSettings({ allowedHosts: hosts });
        }),
      );
    displayRoutineSettings(containerEl, this.plugin);
  }
}
