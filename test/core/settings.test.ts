import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, SETTINGS_VERSION } from '../../src/plugin/settings-schema';

describe('settings schema and migrations', () => {
  it('gives the defaults for no stored data', () => {
    expect(loadSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
    expect(DEFAULT_SETTINGS).toMatchObject({ version: SETTINGS_VERSION, outputFolder: 'Groundwork', maxSources: 10 });
  });

  it('migrates an unversioned object, keeping its values', () => {
    expect(loadSettings({ outputFolder: 'Agents', maxSources: 5 }).settings).toMatchObject({ version: 2, outputFolder: 'Agents', maxSources: 5 });
  });

  it('migrates v1 to v2: model settings get their defaults, v1 values stay', () => {
    const { settings, warnings } = loadSettings({ version: 1, outputFolder: 'Agents', maxSources: 3, apiKeySecret: 'my-key' });
    expect(warnings).toEqual([]);
    expect(settings).toMatchObject({ version: 2, outputFolder: 'Agents', maxSources: 3, apiKeySecret: 'my-key', searchEndpoint: '' });
    expect(settings.llm).toMatchObject({ preset: 'ollama', cache: true, concurrency: 4 });
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

  it('keeps what it understands from a newer version', () => {
    const { settings, warnings } = loadSettings({ version: 99, outputFolder: 'Future', somethingNew: true });
    expect(settings.outputFolder).toBe('Future');
    expect(warnings[0]).toMatch(/newer Groundwork/);
  });

  it('never stores a key in the settings object', () => {
    expect(JSON.stringify(loadSettings({ apiKey: 'sk-secret' }).settings)).not.toContain('sk-secret');
  });
});
