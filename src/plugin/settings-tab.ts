import { PluginSettingTab, Setting, type App } from 'obsidian';
import type GroundworkPlugin from './main';
import { fieldError, ModelSettings } from './model-settings';
import { displayRoutineSettings } from './routines';

export class GroundworkSettingTab extends PluginSettingTab {
  private readonly model: ModelSettings;

  constructor(
    app: App,
    private readonly plugin: GroundworkPlugin,
  ) {
    super(app, plugin);
    this.model = new ModelSettings(app, plugin, () => this.display());
  }

  /** The connection test in progress, if any. */
  get testing(): Promise<void> {
    return this.model.testing;
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.plugin.settings;
    const save = (setting: Setting) => {
      const show = fieldError(setting);
      return async (patch: Parameters<GroundworkPlugin['trySettings']>[0]) => show(await this.plugin.trySettings(patch));
    };

    const folder = new Setting(containerEl)
      .setName('Output folder')
      .setDesc('Where generated notes (sources, distillates, critiques, skeletons, proposals) are written.');
    const saveFolder = save(folder);
    folder.addText((text) => text.setValue(s.outputFolder).onChange(async (value) => saveFolder({ outputFolder: value })));
    new Setting(containerEl)
      .setName('Sources per research run')
      .setDesc('How many sources the scout gathers at most.')
      .addSlider((slider) =>
        slider
          .setLimits(1, 50, 1)
          .setValue(s.maxSources)
          .setDynamicTooltip()
          .onChange(async (value) => void (await this.plugin.trySettings({ maxSources: value }))),
      );
    const chars = new Setting(containerEl)
      .setName('Characters per source')
      .setDesc('The most the scout reads of one source. A source too long for the model is digested in parts; past this many characters it is cut, and the sources note says so. Fewer characters cost fewer tokens.');
    const saveChars = save(chars);
    chars.addText((text) =>
      text.setValue(String(s.maxSourceChars)).onChange(async (value) => {
        const n = Number(value);
        await saveChars(Number.isInteger(n) ? { maxSourceChars: n } : { maxSourceChars: Number.NaN });
      }),
    );

    new Setting(containerEl).setName('Model server').setHeading();
    this.model.render(containerEl);
    const setLlm = async (patch: Partial<typeof s.llm>) => this.plugin.trySettings({ llm: { ...this.plugin.settings.llm, ...patch } });
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
      .addToggle((t) => t.setValue(s.llm.cache).onChange(async (value) => void (await this.plugin.trySettings({ llm: { ...this.plugin.settings.llm, cache: value } }))));
    const search = new Setting(containerEl)
      .setName('Web search endpoint')
      .setDesc('Optional: a search URL the scout may query (a JSON API like the one of a self-hosted metasearch).');
    const saveSearch = save(search);
    search.addText((text) => text.setValue(s.searchEndpoint).onChange(async (value) => saveSearch({ searchEndpoint: value.trim() })));
    const hosts = new Setting(containerEl)
      .setName('Allowed local hosts')
      .setDesc(
        'Pages on this device or your own network (localhost, 192.168.…, 10.…) are never fetched, so a link or a redirect cannot reach them. List hosts you want the scout to read anyway, separated by commas. Only addresses and localhost names can be checked here; other names are not looked up.',
      );
    const saveHosts = save(hosts);
    hosts.addTextArea((text) =>
      text.setValue(s.allowedHosts.join(', ')).onChange(async (value) => saveHosts({ allowedHosts: value.split(/[\s,]+/).filter((h) => h !== '') })),
    );
    displayRoutineSettings(containerEl, this.plugin);

    new Setting(containerEl).setName('Workflow').setHeading();
    new Setting(containerEl)
      .setName('Confirm before research')
      .setDesc('Show what a research run would read, call and cost, and what it changes, before it starts.')
      .addToggle((t) => t.setValue(!s.skipResearchConfirmation).onChange(async (value) => void (await this.plugin.trySettings({ skipResearchConfirmation: !value }))));
    new Setting(containerEl)
      .setName('Link generated notes from the domain note')
      .setDesc('Append a section of links to the sources, distillate, critique and skeleton to the domain note.')
      .addToggle((t) => t.setValue(s.linkDomainNote).onChange(async (value) => void (await this.plugin.trySettings({ linkDomainNote: value }))));
    new Setting(containerEl)
      .setName('Welcome guide')
      .setDesc('The first-run guide: connect a model, adopt a note, research it.')
      .addButton((b) => b.setButtonText('Open').onClick(() => void this.plugin.openWelcome()));
  }
}
