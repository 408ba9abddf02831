import { SecretComponent, Setting, requestUrl, type App, type DropdownComponent } from 'obsidian';
import { LLM_PRESETS, llmConfigFromSettings, makeRequestUrlFetch, testConnection, type LlmPresetId, type LlmSettings } from '../llm';
import type { Settings } from './settings-schema';

/** What the model settings need from the plugin. */
export interface SettingsHost {
  settings: Settings;
  /** Saves a change; returns what is wrong, or null when saved. */
  trySettings(patch: Partial<Settings>): Promise<string | null>;
}

/** A field's error shown under it, replaced on each change: never a notice per keystroke. */
export function fieldError(setting: Setting): (message: string | null) => void {
  const el = setting.descEl.createDiv({ cls: 'groundwork-field-error' });
  return (message) => el.setText(message ?? '');
}

function parseNumber(raw: string): number | null | undefined {
  const t = raw.trim();
  if (t === '') return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The model server section, shared by the settings tab and the welcome view: server preset,
 * base URL, API key (SecretStorage), Test connection (which fills the model dropdown from the
 * server's list), the model, its price per million tokens, and the budget per run.
 */
export class ModelSettings {
  /** The connection test in progress, if any. */
  testing: Promise<void> = Promise.resolve();
  private models: string[] = [];

  constructor(
    private readonly app: App,
    private readonly host: SettingsHost,
    private readonly rerender: () => void,
  ) {}

  private llm(): LlmSettings {
    return this.host.settings.llm;
  }

  private setLlm(patch: Partial<LlmSettings>): Promise<string | null> {
    return this.host.trySettings({ llm: { ...this.llm(), ...patch } });
  }

  render(el: HTMLElement, opts: { key?: boolean } = {}): void {
    const s = this.llm();
    new Setting(el)
      .setName('Server')
      .setDesc('Any OpenAI-compatible server.')
      .addDropdown((dd) => {
        for (const [id, p] of Object.entries(LLM_PRESETS)) dd.addOption(id, p.label);
        dd.setValue(s.preset).onChange(async (value) => {
          const preset = value as LlmPresetId;
          await this.setLlm({ preset, baseURL: preset === 'custom' ? this.llm().baseURL : LLM_PRESETS[preset].baseURL });
          this.models = [];
          this.rerender();
        });
      });
    const url = new Setting(el).setName('Base URL').setDesc('The server’s address, ending in /v1.');
    const urlError = fieldError(url);
    url.addText((text) =>
      text.setValue(s.baseURL).onChange(async (value) => {
        const v = value.trim();
        urlError(v === '' || /^https?:\/\/\S+$/i.test(v) ? null : 'Must start with http:// or https://');
        await this.setLlm({ baseURL: v });
      }),
    );
    if (opts.key !== false) {
      new Setting(el)
        .setName('API key')
        .setDesc('Kept in Obsidian’s secret storage, never in the plugin’s settings file. Leave empty for local servers.')
        .addComponent((c) => new SecretComponent(this.app, c).setValue(this.host.settings.apiKeySecret).onChange(async (value) => void (await this.host.trySettings({ apiKeySecret: value }))));
    }
    const test = new Setting(el).setName('Test connection').setDesc('Lists the server’s models, or says what is wrong.');
    const status = test.descEl.createDiv({ cls: 'groundwork-muted groundwork-connection-status' });
    test
      .addButton((b) =>
        b.setButtonText('Test').onClick(() => {
          status.setText('Testing…');
          const settings = this.host.settings;
          const key = this.app.secretStorage.getSecret(settings.apiKeySecret) ?? '';
          this.testing = testConnection(llmConfigFromSettings(settings.llm, key, { fetch: makeRequestUrlFetch(requestUrl), dangerouslyAllowBrowser: true })).then((report) => {
            status.setText(report.message);
            this.models = report.models ?? [];
            fill(this.models);
          });
        }),
      );
    const model = new Setting(el).setName('Model').setDesc('The default model for every agent. Test the connection to choose from the server’s list, or type its name.');
    let dropdown: DropdownComponent | null = null;
    let typed: { setValue(v: string): unknown } | null = null;
    const fill = (models: string[]): void => {
      if (!dropdown) return;
      dropdown.selectEl.empty();
      dropdown.addOption('', models.length ? 'Choose a model…' : 'Test the connection to list the models');
      for (const m of models) dropdown.addOption(m, m);
      if (this.llm().model && !models.includes(this.llm().model)) dropdown.addOption(this.llm().model, this.llm().model);
      dropdown.setValue(this.llm().model);
      dropdown.setDisabled(models.length === 0);
    };
    model.addDropdown((dd) => {
      dropdown = dd;
      dd.selectEl.addClass('groundwork-model-select');
      dd.onChange(async (value) => {
        if (!value) return;
        typed?.setValue(value);
        await this.setLlm({ model: value });
        this.rerender();
      });
    });
    model.addText((text) => {
      typed = text;
      text.setPlaceholder('Model name').setValue(s.model).onChange(async (value) => void (await this.setLlm({ model: value.trim() })));
    });
    fill(this.models);

    const name = s.model || 'the model';
    const current = s.model ? s.prices[s.model] : undefined;
    const price = new Setting(el)
      .setName('Price per million tokens')
      .setDesc(`What ${name} costs, input then output, in dollars per million tokens; research shows its cost from these. Leave empty for a free local model.`);
    const priceError = fieldError(price);
    let input = current ? String(current.inputPerMTok) : '';
    let output = current ? String(current.outputPerMTok) : '';
    const savePrice = async (): Promise<void> => {
      const m = this.llm().model;
      if (!m) return priceError('Choose a model first');
      const i = parseNumber(input);
      const o = parseNumber(output);
      if (i === undefined || o === undefined || (i !== null && i < 0) || (o !== null && o < 0)) return priceError('Prices are numbers of dollars, like 0.15');
      const prices = { ...this.llm().prices };
      if (i === null && o === null) delete prices[m];
      else prices[m] = { inputPerMTok: i ?? 0, outputPerMTok: o ?? 0 };
      priceError(await this.setLlm({ prices }));
    };
    price.addText((t) => {
      t.setPlaceholder('Input').setValue(input).onChange(async (v) => {
        input = v;
        await savePrice();
      });
      t.inputEl.addClass('groundwork-price-input');
    });
    price.addText((t) => {
      t.setPlaceholder('Output').setValue(output).onChange(async (v) => {
        output = v;
        await savePrice();
      });
      t.inputEl.addClass('groundwork-price-output');
    });

    const budget = new Setting(el).setName('Budget per run').setDesc('The most tokens one run may spend; it stops with a clear message past it. Empty: no limit.');
    const budgetError = fieldError(budget);
    budget.addText((t) => {
      t.setPlaceholder('Tokens, e.g. 200000')
        .setValue(s.budget.maxTokens !== undefined ? String(s.budget.maxTokens) : '')
        .onChange(async (v) => {
          const n = parseNumber(v);
          if (n === undefined || (n !== null && (!Number.isInteger(n) || n <= 0))) return budgetError('A whole number of tokens, or empty');
          const next = { ...this.llm().budget };
          if (n === null) delete next.maxTokens;
          else next.maxTokens = n;
          budgetError(await this.setLlm({ budget: next }));
        });
      t.inputEl.addClass('groundwork-budget-input');
    });
  }
}
