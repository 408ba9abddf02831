import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, SETTINGS_VERSION, withUnknownKeys } from '../../src/plugin/settings-schema';

describe('settings schema and migrations', () => {
  it('gives the defaults for no stored data', () => {
    expect(loadSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
    expect(DEFAULT_SETTINGS).toMatchObject({ version: SETTINGS_VERSION, outputFolder: 'Groundwork', maxSources: 10, allowedHosts: [] });
  });

  it('migrates an unversioned object, keeping its values', () => {
    expect(loadSettings({ outputFolder: 'Agents', maxSources: 5 }).settings).toMatchObject({ version: SETTINGS_VERSION, outputFolder: 'Agents', maxSources: 5 });
  });

  it('migrates v1 to the current version: model settings, allowed hosts and workflow switches get their defaults, v1 values stay', () => {
    const { settings, warnings } = loadSettings({ version: 1, outputFolder: 'Agents', maxSources: 3, apiKeySecret: 'my-key' });
    expect(warnings).toEqual([]);
    expect(settings).toMatchObject({ version: SETTINGS_VERSION, outputFolder: 'Agents', maxSources: 3, apiKeySecret: 'my-key', searchEndpoint: '', allowedHosts: [], skipResearchConfirmation: false, linkDomainNote: true });
    expect(settings.llm).toMatchObject({ preset: 'ollama', cache: true, concurrency: 4 });
  });

  it('migrates v2 to the current version keeping every v2 value', () => {
    const v2 = { version: 2, outputFolder: 'AI', maxSources: 4, apiKeySecret: 'k', maxSourceChars: 5000, searchEndpoint: 'https://s.example/search', llm: { preset: 'openai', model: 'gpt-4o-mini', timeoutMs: 9000 } };
    const { settings, warnings } = loadSettings(v2);
    expect(warnings).toEqual([]);
    expect(settings).toMatchObject({ ...v2, version: SETTINGS_VERSION, llm: { ...v2.llm, cache: true }, allowedHosts: [] });
  });

  it('migrates v3 to v4: the welcome view opens again only for an installation that names no model', () => {
    const configured = loadSettings({ version: 3, llm: { preset: 'openai', model: 'gpt-4o-mini' }, allowedHosts: ['wiki.lan'] });
    expect(configured.warnings).toEqual([]);
    expect(configured.settings).toMatchObject({ version: 4, allowedHosts: ['wiki.lan'], onboardingDone: true, skipResearchConfirmation: false, linkDomainNote: true });
    expect(loadSettings({ version: 3, llm: { preset: 'ollama', model: ' ' } }).settings.onboardingDone).toBe(false);
    expect(loadSettings({ version: 3 }).settings.onboardingDone).toBe(false);
    // A v4 object says itself whether the guide was done: no migration rewrites it.
    expect(loadSettings({ version: 4, llm: { model: 'x' }, onboardingDone: false }).settings.onboardingDone).toBe(false);
  });

  it('keeps valid model settings and resets an invalid search endpoint', () => {
    const { settings, warnings } = loadSettings({ version: 2, llm: { preset: 'openai', model: 'gpt-4o-mini' }, searchEndpoint: 'javascript:alert(1)' });
    expect(settings.llm).toMatchObject({ preset: 'openai', model: 'gpt-4o-mini' });
    expect(settings.searchEndpoint).toBe('');
    expect(warnings).toEqual(['Setting "searchEndpoint" was invalid and was reset to its default']);
  });

  it('resets only the invalid fields, and says which', () => {
    const { settings, warnings } = loadSettings({ version: 1, outputFolder: '../outside', maxSources: 7 });
    expect(settings).toMatchObject({ outputFolder: 'Groundwork', maxSources: 7 });
    expect(warnings).toEqual(['Setting "outputFolder" was invalid and was reset to its default']);
  });

  it('a bad value inside a block resets only that value, not the block', () => {
    const { settings, warnings } = loadSettings({
      version: 3,
      llm: { preset: 'openai', model: 'gpt-4o', timeoutMs: -5, concurrency: 8, budget: { maxTokens: 'lots', maxCalls: 20 } },
    });
    expect(settings.llm).toMatchObject({ preset: 'openai', model: 'gpt-4o', timeoutMs: 120_000, concurrency: 8, budget: { maxCalls: 20 } });
    expect(settings.llm.budget.maxTokens).toBeUndefined();
    expect(warnings.sort()).toEqual([
      'Setting "llm.budget.maxTokens" was invalid and was reset to its default',
      'Setting "llm.timeoutMs" was invalid and was reset to its default',
    ]);
  });

  it('validates the output folder by the write-scope rule, and stores it normalized', () => {
    for (const bad of ['../x', '/abs', 'C:\\Users', '.obsidian/plugins', 'a/../../b', 'Notes/.hidden', '', 'a\u0000b', '~/x']) {
      const { settings, warnings } = loadSettings({ version: 3, outputFolder: bad });
      expect(settings.outputFolder, bad).toBe('Groundwork');
      expect(warnings, bad).toEqual(['Setting "outputFolder" was invalid and was reset to its default']);
    }
    expect(loadSettings({ version: 3, outputFolder: ' AI//Out/ ' }).settings.outputFolder).toBe('AI/Out');
    expect(loadSettings({ version: 3, outputFolder: 'Work\\Agents' }).settings.outputFolder).toBe('Work/Agents');
  });

  it('keeps what it understands from a newer version, and saves back what it does not', () => {
    const stored = { version: 99, outputFolder: 'Future', somethingNew: { deep: [1, 2] }, llm: { model: 'm', newKnob: 3, timeoutMs: 'x' } };
    const { settings, warnings } = loadSettings(stored);
    expect(settings.outputFolder).toBe('Future');
    expect(warnings[0]).toMatch(/newer Groundwork/);
    const saved = withUnknownKeys(stored, { ...settings, maxSources: 4 });
    expect(saved).toMatchObject({ version: 99, outputFolder: 'Future', maxSources: 4, somethingNew: { deep: [1, 2] }, llm: { model: 'm', newKnob: 3, timeoutMs: 120_000 } });
    // Loading what was saved gives the same settings back.
    expect(loadSettings(saved).settings).toEqual({ ...settings, maxSources: 4 });
  });

  it('validates allowed hosts', () => {
    expect(loadSettings({ version: 3, allowedHosts: ['Wiki.LAN', ' 10.0.0.5 '] }).settings.allowedHosts).toEqual(['wiki.lan', '10.0.0.5']);
    expect(loadSettings({ version: 3, allowedHosts: ['http://x/y'] }).warnings).toEqual(['Setting "allowedHosts" was invalid and was reset to its default']);
  });

  it('never stores a key in the settings object, nor saves one back', () => {
    expect(JSON.stringify(loadSettings({ apiKey: 'sk-secret' }).settings)).not.toContain('sk-secret');
    const stored = { version: 99, apiKey: 'sk-secret', llm: { apiKey: 'sk-secret' } };
    expect(JSON.stringify(withUnknownKeys(stored, loadSettings(stored).settings))).not.toContain('sk-secret');
  });
});
