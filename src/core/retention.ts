/**
 * How long Groundwork keeps records nothing needs any more (settled journal entries, handled
 * proposals): the newest `keep` always, and anything younger than `days`. A record goes only when
 * it is past both, so a busy vault keeps 90 days and a quiet one keeps its last 500.
 */
export interface Retention {
  keep: number;
  days: number;
}

export const DEFAULT_RETENTION: Retention = { keep: 500, days: 90 };

const DAY_MS = 86_400_000;

/**
 * Of `items` ordered oldest first, the ones retention drops: among all but the newest `keep`,
 * those whose time is more than `days` before `now`. An unreadable time is never dropped.
 */
export function expired<T>(items: readonly T[], timeOf: (item: T) => string, retention: Retention, now: Date): T[] {
  const excess = items.length - retention.keep;
  if (excess <= 0) return [];
  const cutoff = now.getTime() - retention.days * DAY_MS;
  return items.slice(0, excess).filter((item) => {
    const t = Date.parse(timeOf(item));
    return Number.isFinite(t) && t < cutoff;
  });
}
