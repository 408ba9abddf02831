import * as z from 'zod/mini';
import { DEFAULT_ROUTINE_LIMITS } from './routines';

/**
 * The routine settings, shared by the plugin (its settings tab) and the CLI (which reads them
 * from the plugin's data.json, so a vault paused in Obsidian is paused for cron too).
 */
export const routineSettingsSchema = z.object({
  /** Pause every routine of the vault. */
  paused: z._default(z.boolean(), false),
  maxRunsPerDay: z._default(z.int().check(z.gte(0), z.lte(10_000)), DEFAULT_ROUTINE_LIMITS.maxRunsPerDay),
  maxTokensPerDay: z._default(z.int().check(z.gte(0), z.lte(100_000_000)), DEFAULT_ROUTINE_LIMITS.maxTokensPerDay),
});

export type RoutineSettings = z.infer<typeof routineSettingsSchema>;

export const DEFAULT_ROUTINE_SETTINGS: RoutineSettings = routineSettingsSchema.parse({});

/** The routine settings inside a stored data.json, defaults for anything missing or invalid. */
export function routineSettingsFrom(stored: unknown): RoutineSettings {
  const raw = stored && typeof stored === 'object' ? (stored as { routines?: unknown }).routines : undefined;
  const parsed = routineSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : DEFAULT_ROUTINE_SETTINGS;
}
