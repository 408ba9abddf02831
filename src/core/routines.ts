/**
 * Routines (DESIGN §1): a domain's standing orders, the `routines` key of its note, each a
 * `"<trigger>: <task>"` string. The key is the person's; a line that cannot be read is a problem
 * naming the file and is ignored (the others still run).
 */

export const ROUTINE_TRIGGERS = ['new note', 'changed note', 'daily', 'weekly'] as const;
export type RoutineTrigger = (typeof ROUTINE_TRIGGERS)[number];

/** The built-in task: re-digest the sources that changed, then re-run the critic. */
export const RECHECK_SOURCES = 're-check sources';

export interface Routine {
  trigger: RoutineTrigger;
  task: string;
  /** The line as the person wrote it, for messages and `routines --json`. */
  line: string;
}

const MAX_TASK = 500;

function describeValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
}

/** Reads the `routines` value of a domain note's frontmatter; never throws. */
export function parseRoutines(raw: unknown): { routines: Routine[]; problems: string[] } {
  const routines: Routine[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null || raw === '') return { routines, problems };
  const values = Array.isArray(raw) ? raw : [raw];
  for (const v of values) {
    if (v === null || v === '') continue;
    if (typeof v !== 'string') {
      problems.push(`routines: ${describeValue(v)} is not a routine; write each as "<trigger>: <task>", e.g. "new note: add links to related notes"`);
      continue;
    }
    const m = /^\s*([^:]+?)\s*:\s*([\s\S]*?)\s*$/.exec(v);
    const trigger = m?.[1]?.toLowerCase().replace(/\s+/g, ' ');
    const task = m?.[2]?.replace(/\s+/g, ' ') ?? '';
    if (!m || !(ROUTINE_TRIGGERS as readonly string[]).includes(trigger ?? '')) {
      problems.push(`routines: ${JSON.stringify(v)} has no known trigger; start it with ${ROUTINE_TRIGGERS.map((t) => `"${t}:"`).join(', ')}`);
      continue;
    }
    if (task === '') {
      problems.push(`routines: ${JSON.stringify(v)} has no task after the trigger`);
      continue;
    }
    if (task.length > MAX_TASK) {
      problems.push(`routines: a routine's task is longer than ${MAX_TASK} characters; shorten it`);
      continue;
    }
    routines.push({ trigger: trigger as RoutineTrigger, task: task.toLowerCase() === RECHECK_SOURCES ? RECHECK_SOURCES : task, line: v.trim() });
  }
  return { routines, problems };
}

/** The UTC day of a time, `YYYY-MM-DD`: daily routines and daily caps count by it. */
export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The ISO week of a time, `YYYY-Www` (weeks start on Monday): weekly routines run once per week. */
export function weekOf(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
