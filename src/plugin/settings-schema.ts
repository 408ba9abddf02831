import * as z from 'zod/mini';
import { DEFAULT_OUTPUT_FOLDER } from '../core/layout';
import { llmSettingsSchema } from '../llm/presets';
import { routineSettingsSchema } from '../agents/routine-settings';

/**
 * Plugin settings, versioned: every stored shape ever released has a migration to the next,
 * so an old data.json loads into the current shape instead of being reset. No secret lives
 * here: the API key is in Obsidian's SecretStorage.
 */

export const SETTINGS_VERSION = 2;

export const settingsSchemaV1 = z.object({
  version: z.literal(1),
  outputFolder: z._default(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.refine((s) => !s.includes('..') && !s.startsWith('/'), 'must be a folder inside the vault'),
    ),
    DEFAULT_OUTPUT_FOLDER,
  ),
  maxSources: z._default(z.int().check(z.gte(1), z.lte(50)), 10),
  /** The SecretStorage id that holds the API key (not the key). */
  apiKeySecret: z._default(z.string(), 'groundwork-api-key'),
});

/** v2 adds the model server settings (the key itself stays in SecretStorage) and web search. */
export const settingsSchemaV2 = z.extend(settingsSchemaV1, {
  version: z.literal(2),
  llm: z._default(llmSettingsSchema, () => llmSettingsSchema.parse({})),
  /** Characters of each source the scout reads: longer sources are split into parts to fit the model, and cut past this. */
  maxSourceChars: z._default(z.int().check(z.gte(1000), z.lte(200_000)), 100_000),
  /** A SearXNG-compatible JSON search endpoint; empty means no web search. */
  searchEndpoint: z._default(
    z.string().check(
      z.trim(),
      z.refine((s) => s === '' || /^https?:\/\//i.test(s), 'must be an http(s) URL'),
    ),
    '',
  ),
  /** The domains base was written once, on first enable; later only the command writes it. */
  domainsBaseOffered: z._default(z.boolean(), false),
  /** Routines: a pause switch and the per-domain daily caps (read by the CLI too). */
  routines: z._default(routineSettingsSchema, () => routineSettingsSchema.parse({})),
});

export const settingsSchema = settingsSchemaV2;
export type Settings = z.infer<typeof settingsSchemaV2>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({ version: SETTINGS_VERSION });

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n object into version n+1. Version 0 is "no version key". */
const MIGRATIONS: Record<number, Migration> = {
  // 0 → 1: the first release; an unversioned object is taken as-is and checked below.
  0: (raw) => ({ ...raw, version: 1 }),
  // 1 → 2: model server settings arrive with their defaults; nothing of v1 changes.
  1: (raw) => ({ ...raw, version: 2 }),
};

export interface LoadedSettings {
  settings: Settings;
  /** Why stored values were replaced by defaults, for a notice; empty when all was fine. */
  warnings: string[];
}

export function loadSettings(stored: unknown): LoadedSettings {
  const warnings: string[] = [];
  let raw: Record<string, unknown> = stored && typeof stored === 'object' && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  let version = typeof raw.version === 'number' ? raw.version : 0;
  if (version > SETTINGS_VERSION) {
    warnings.push(`Settings were saved by a newer Groundwork (version ${version}); using defaults for anything not understood`);
    raw = { ...raw, version: SETTINGS_VERSION };
    version = SETTINGS_VERSION;
  }
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) break;
    raw = step(raw);
    version++;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return { settings: parsed.data, warnings };
  // Keep every valid field; reset only the ones that fail, and say which.
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const shape = settingsSchema.shape;
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const field = shape[key].safeParse(raw[key]);
    if (field.success) settings[key] = field.data;
    else warnings.push(`Setting "${key}" was invalid and was reset to its default`);
  }
  return { settings: settingsSchema.parse(settings), warnings };
}
