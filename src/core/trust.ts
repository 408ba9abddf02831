import * as z from 'zod/mini';

/**
 * The trust keys the person owns (DESIGN §1). Values are case-insensitive; a bad value is a
 * problem that names the file, the key and what is allowed, and makes the domain fail safe.
 */

export const CONFIDENCE = ['low', 'medium', 'high'] as const;
export const MODES = ['propose', 'assist', 'automate'] as const;
export type Confidence = (typeof CONFIDENCE)[number];
export type Mode = (typeof MODES)[number];

export const TRUST_KEYS = ['confidence', 'critical', 'autonomy', 'signed-off', 'signed-off-distillate'] as const;
export type TrustKey = (typeof TRUST_KEYS)[number];

const lower = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toLowerCase() : v);

const confidenceSchema = z.pipe(z.transform(lower), z.enum(CONFIDENCE));
const autonomySchema = z.pipe(z.transform(lower), z.enum(MODES));
const criticalSchema = z.pipe(
  z.transform((v: unknown) => {
  const s = lower(v);
  return s === 'true' ? true : s === 'false' ? false : s;
  }),
  z.boolean(),
);
const signedOffSchema = z.pipe(
  z.transform((v: unknown) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v)),
  z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/), z.refine(isRealDate)),
);
const fingerprintSchema = z.pipe(z.transform(lower), z.string().check(z.regex(/^sha256:[0-9a-f]{12}$/)));

const ALLOWED: Record<TrustKey, string> = {
  confidence: 'low, medium or high',
  critical: 'true or false',
  autonomy: 'propose, assist or automate',
  'signed-off': 'a date YYYY-MM-DD',
  'signed-off-distillate': '"sha256:" followed by 12 hex digits',
};

const SCHEMAS: Record<TrustKey, z.ZodMiniType> = {
  confidence: confidenceSchema,
  critical: criticalSchema,
  autonomy: autonomySchema,
  'signed-off': signedOffSchema,
  'signed-off-distillate': fingerprintSchema,
};

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export interface Trust {
  confidence: Confidence | null;
  critical: boolean;
  autonomy: Mode | null;
  signedOff: string | null;
  signedOffDistillate: string | null;
  /** Keys whose value was present but invalid: the domain must fail safe. */
  invalid: TrustKey[];
}

export interface Problem {
  path: string;
  message: string;
}

/** Reads the trust keys of a note's frontmatter; never throws, reports each bad value. */
export function readTrust(path: string, fm: Record<string, unknown> | null): { trust: Trust; problems: Problem[] } {
  const trust: Trust = { confidence: null, critical: false, autonomy: null, signedOff: null, signedOffDistillate: null, invalid: [] };
  const problems: Problem[] = [];
  if (!fm) return { trust, problems };
  for (const key of TRUST_KEYS) {
    const raw = fm[key];
    // An empty property (`confidence:`) is how Obsidian shows an unset one: treat it as missing.
    if (raw === undefined || raw === null || raw === '') continue;
    const parsed = SCHEMAS[key].safeParse(raw);
    if (!parsed.success) {
      trust.invalid.push(key);
      problems.push({ path, message: `${key}: ${JSON.stringify(raw)} is not valid; use ${ALLOWED[key]}` });
      continue;
    }
    const v = parsed.data;
    switch (key) {
      case 'confidence':
        trust.confidence = v as Confidence;
        break;
      case 'critical':
        trust.critical = v as boolean;
        break;
      case 'autonomy':
        trust.autonomy = v as Mode;
        break;
      case 'signed-off':
        trust.signedOff = v as string;
        break;
      case 'signed-off-distillate':
        trust.signedOffDistillate = v as string;
        break;
    }
  }
  return { trust, problems };
}

/** Reads only `confidence` of a generated note (invalid counts as low: fail safe). */
export function noteConfidence(fm: Record<string, unknown> | null): Confidence {
  const parsed = confidenceSchema.safeParse(fm?.confidence);
  return parsed.success ? parsed.data : 'low';
}

export function isTrustKey(key: string): key is TrustKey {
  return (TRUST_KEYS as readonly string[]).includes(key);
}
