import * as z from 'zod/mini';
import type { DataFolder } from '../vault/port';
import { updateRecord } from './data-lock';

/**
 * What happened to Groundwork's work after it was done, recorded where it happens: the exact
 * time of each sign-off (the `signed-off` date alone cannot order two on one day), proposals
 * accepted (as written or after an edit) or rejected, and automated changes a person reverted by
 * hand. Undo needs no record here: the journal entry itself becomes `undone`.
 */

const NAME = 'journal/outcomes.json';
/** Enough history for the evidence windows; older records only grow the file. */
const KEEP = 2000;

const signOffSchema = z.object({ domain: z.string(), time: z.string() });
const outcomeSchema = z.object({
  domain: z.string(),
  time: z.string(),
  kind: z.enum(['accepted', 'accepted-edited', 'rejected', 'reverted']),
  /** The proposal's path for accept and reject. */
  proposal: z.optional(z.string()),
  /** The journal entry's id for reverted. */
  entry: z.optional(z.string()),
});
const fileSchema = z.object({ version: z.literal(1), signOffs: z.array(signOffSchema), outcomes: z.array(outcomeSchema) });

export type SignOffRecord = z.infer<typeof signOffSchema>;
export type OutcomeRecord = z.infer<typeof outcomeSchema>;
export type OutcomeFile = z.infer<typeof fileSchema>;

function parse(raw: string | null): OutcomeFile {
  if (raw === null) return { version: 1, signOffs: [], outcomes: [] };
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    // fall through: a damaged record counts as empty, which can only make the map more cautious
  }
  const parsed = fileSchema.safeParse(json);
  return parsed.success ? parsed.data : { version: 1, signOffs: [], outcomes: [] };
}

export class OutcomeLog {
  constructor(private readonly data: DataFolder) {}

  async read(): Promise<OutcomeFile> {
    return parse(await this.data.read(NAME));
  }

  recordSignOff(domain: string, time: string): Promise<OutcomeFile> {
    return updateRecord(this.data, NAME, parse, (f) => {
      f.signOffs.push({ domain, time });
      f.signOffs = f.signOffs.slice(-KEEP);
    });
  }

  /** Records outcomes, each once (a second record of the same proposal or entry is ignored). */
  record(...items: OutcomeRecord[]): Promise<OutcomeFile> {
    return updateRecord(this.data, NAME, parse, (f) => {
      for (const o of items) {
        const dup = f.outcomes.some((x) => x.kind === o.kind && ((o.proposal && x.proposal === o.proposal) || (o.entry && x.entry === o.entry)));
        if (!dup) f.outcomes.push(o);
      }
      f.outcomes = f.outcomes.slice(-KEEP);
    });
  }
}

/** The latest recorded sign-off of a domain, or null. */
export function latestSignOff(f: OutcomeFile, domain: string): string | null {
  let latest: string | null = null;
  for (const s of f.signOffs) if (s.domain === domain && (latest === null || s.time > latest)) latest = s.time;
  return latest;
}
