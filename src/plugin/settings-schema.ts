import * as z from 'zod/mini';
import { checkOutputFolder, DEFAULT_OUTPUT_FOLDER } from '../core/layout';
import { llmSettingsSchema } from '../llm/presets';
import { routineSettingsSchema } from '../agents/routine-settings';

/**
 * Plugin settings, versioned: every stored shape ever released has a migration to the next,
 * so an old data.json loads into the current shape instead of being reset. No secret lives
 * here: the API key is in Obsidian's SecretStorage.
 */

export const SETTINGS_VERSION = 4;

export const settingsSchemaV1 = z.object({
  version: z.literal(1),
  // The same rule as the write scope (core/layout), so a folder the Gate would refuse is never stored.
  outputFolder: z._default(
    z.string().check(
      z.trim(),
      z.refine((s) => checkOutputFolder(s).ok, { error: (iss) => `Output folder: ${outputFolderProblem(iss.input)}` }),
      z.overwrite((s) => {
        const checked = checkOutputFolder(s);
        return checked.ok ? checked.folder : s;
      }),
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

/**
 * v3 adds the hosts a person lets the scout fetch from although their address is loopback or
 * private (a home server, an intranet wiki); nothing of v2 changes.
 */
export const settingsSchemaV3 = z.extend(settingsSchemaV2, {
  version: z.literal(3),
  allowedHosts: z._default(
    z.array(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.refine((h) => !/[\s/@?#]/.test(h), 'must be a host name or address, without scheme or path'))),
    [],
  ),
});

/**
 * v4 adds the workflow switches: research may start without its confirmation dialog, the
 * domain note's link section may be turned off, and the welcome view remembers it was done.
 */
export const settingsSchemaV4 = z.extend(settingsSchemaV3, {
  version: z.literal(4),
  /** Research starts at once, without the dialog that shows its dry run first. */
  skipResearchConfirmation: z._default(z.boolean(), false),
  /** Append the "## Groundwork" section of links to a domain note after each step. */
  linkDomainNote: z._default(z.boolean(), true),
  /** The welcome view was finished or dismissed; it opens on first enable until then. */
  onboardingDone: z._default(z.boolean(), false),
});

export const settingsSchema = settingsSchemaV4;
export type Settings = z.infer<typeof settingsSchemaV4>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({ version: SETTINGS_VERSION });

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n object into version n+1. Version 0 is "no version key". */
const MIGRATIONS: Record<number, Migration> = {
  // 0 → 1: the first release; an unversioned object is taken as-is and checked below.
  0: (raw) => ({ ...raw, version: 1 }),
  // 1 → 2: model server settings arrive with their defaults; nothing of v1 changes.
  1: (raw) => ({ ...raw, version: 2 }),
  // 2 → 3: allowed hosts arrive empty: every loopback and private address stays refused.
  2: (raw) => ({ ...raw, version: 3 }),
  // 3 → 4: an installation that already names a model was set up before the welcome view
  // existed, so it is not welcomed again; one without a model still gets the walk-through.
  3: (raw) => ({ ...raw, version: 4, onboardingDone: namesModel(raw.llm) }),
};

function namesModel(llm: unknown): boolean {
  return isRecord(llm) && typeof llm.model === 'string' && llm.model.trim() !== '';
}

function outputFolderProblem(input: unknown): string {
  const checked = checkOutputFolder(typeof input === 'string' ? input : '');
  return checked.ok ? 'invalid' : checked.problem;
}

export interface LoadedSettings {
  settings: Settings;
  /** Why stored values were replaced by defaults, for a notice; empty when all was fine. */
  warnings: string[];
}

export function loadSettings(stored: unknown): LoadedSettings {
  const warnings: string[] = [];
  let raw: Record<string, unknown> = isRecord(stored) ? { ...stored } : {};
  let version = typeof raw.version === 'number' ? raw.version : 0;
  if (version > SETTINGS_VERSION) {
    warnings.push(`Settings were saved by a newer Groundwork (version ${version}); what this version does not know is kept as is`);
    raw = { ...raw, version: SETTINGS_VERSION };
    version = SETTINGS_VERSION;
  }
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) break;
    raw = step(raw);
    version++;
  }
  const settings = parseLeniently(settingsSchema, raw, '', warnings) as Settings;
  return { settings: settingsSchema.parse(settings), warnings };
}

type Schema = z.core.$ZodType;

/**
 * Parses a value; where it fails, goes down into object fields (through their defaults) so that
 * a bad value resets only itself, never the block around it, and says which one it reset.
 */
function parseLeniently(schema: Schema, value: unknown, path: string, warnings: string[]): unknown {
  const whole = z.safeParse(schema, value);
  if (whole.success) return whole.data;
  const object = objectShape(schema);
  if (object && (value === undefined || isRecord(value))) {
    const out: Record<string, unknown> = {};
    const given: Record<string, unknown> = value ?? {};
    for (const [key, field] of Object.entries(object)) {
      const parsed = parseLeniently(field, given[key], path ? `${path}.${key}` : key, warnings);
      if (parsed !== undefined) out[key] = parsed;
    }
    const again = z.safeParse(schema, out);
    if (again.success) return again.data;
  }
  warnings.push(`Setting "${path}" was invalid and was reset to its default`);
  const fallback = z.safeParse(schema, undefined);
  return fallback.success ? fallback.data : undefined;
}

function objectShape(schema: Schema): Record<string, Schema> | null {
  let s: Schema = schema;
  for (let depth = 0; depth < 4; depth++) {
    const def = s._zod.def as { type: string; innerType?: Schema; shape?: Record<string, Schema> };
    if (def.type === 'object' && def.shape) return def.shape;
    if ((def.type === 'default' || def.type === 'optional' || def.type === 'prefault') && def.innerType) s = def.innerType;
    else return null;
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What is saved: the settings, plus every key of the stored data this version does not know
 * (at any depth), so a newer Groundwork's settings survive a round trip through an older one.
 * The newer version number is kept too, so that version does not migrate its own data again.
 */
export function withUnknownKeys(stored: unknown, settings: Settings): Record<string, unknown> {
  const merged = mergeUnknown(settingsSchema, stored, settings) as Record<string, unknown>;
  const storedVersion = isRecord(stored) && typeof stored.version === 'number' ? stored.version : 0;
  if (storedVersion > SETTINGS_VERSION) merged.version = storedVersion;
  return merged;
}

/** Keys outside the schema's objects are kept; keys the schema knows always take the parsed value. */
function mergeUnknown(schema: Schema, stored: unknown, known: unknown): unknown {
  const shape = objectShape(schema);
  if (!shape || !isRecord(stored) || !isRecord(known)) return known;
  const out: Record<string, unknown> = {};
  // A key from an old release is a secret, wherever it sits: it never goes back to data.json.
  for (const [k, v] of Object.entries(stored)) if (!(k in shape) && k !== 'apiKey') out[k] = v;
  for (const [k, v] of Object.entries(known)) out[k] = shape[k] ? mergeUnknown(shape[k], stored[k], v) : v;
  return out;
}
