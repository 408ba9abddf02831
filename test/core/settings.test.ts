import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, SETTINGS_VERSION } from '../../src/plugin/settings-schema';

describe('settings schema and migrations', () => {
  it('gives the defaults for no stored data', () => {
    expect(loadSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
    expect(DEFAULT_SETTINGS).toMatchObject({ version: SETTINGS_VERSION, outputFolder: 'Groundwork', maxSources: 10 });
  });

  it('migrates an unversioned object, keeping its values', () => {
    expect(loadSettings({ outputFolder: 'Agents', maxSources: 5 }).settings).toMatchObject({ version: 1, outputFolder: 'Agents', maxSources: 5 });
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
