import * as z from 'zod/mini';

/** Any zod schema, classic or mini: agents use zod/mini to keep main.js small. */
export type AnySchema<T = unknown> = z.core.$ZodType<T>;

type Json = Record<string, unknown>;

/**
 * The zod schema as the JSON schema OpenAI's strict mode accepts: every object closed and every
 * property required. Optional properties become nullable instead, and `parseStructured` turns the
 * nulls back into absent keys before zod sees them.
 */
export function toStrictJsonSchema(schema: AnySchema): Json {
  // Agents reuse one schema object for every call; converting it once saves a tenth of a millisecond each.
  const known = converted.get(schema);
  if (known) return known;
  const raw = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Json;
  delete raw.$schema;
  const strict = strictify(raw);
  converted.set(schema, strict);
  return strict;
}

const converted = new WeakMap<AnySchema, Json>();

function strictify(node: object): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(node) as Array<[string, unknown]>) {
    // Strict mode rejects `default`, and the model should not lean on it anyway.
    if (k === 'default') continue;
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]: [string, object]) => [p, strictify(s)]));
    } else if (Array.isArray(v)) {
      out[k] = (v as unknown[]).map((x) => (typeof x === 'object' && x !== null ? strictify(x) : x));
    } else if (typeof v === 'object' && v !== null) {
      out[k] = strictify(v);
    } else {
      out[k] = v;
    }
  }
  if (out.type === 'object' && typeof out.properties === 'object' && out.properties !== null) {
    const props = out.properties as Json;
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    for (const name of Object.keys(props)) {
      if (!required.has(name)) props[name] = nullable(props[name] as Json);
    }
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  return out;
}

function nullable(s: Json): Json {
  if (Array.isArray(s.type)) return (s.type as unknown[]).includes('null') ? s : { ...s, type: [...(s.type as unknown[]), 'null'] };
  if (typeof s.type === 'string') return s.type === 'null' ? s : { ...s, type: [s.type, 'null'] };
  return { anyOf: [s, { type: 'null' }] };
}

export type ParseOutcome<T> = { ok: true; data: T } | { ok: false; problem: string };

/** Models wrap JSON in fences or chat around it, most often without json_schema enforcement. */
export function extractJson(content: string): string {
  const text = content.trim();
  const fence = /^```(?:json|JSON)?\s*\n?([\s\S]*?)\n?```$/.exec(text);
  if (fence?.[1] !== undefined) return fence[1].trim();
  if (text.startsWith('{') || text.startsWith('[')) return text;
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  return first >= 0 && last > first ? text.slice(first, last + 1) : text;
}

/** `cleanString` is applied to every string in the JSON, escaped control characters included. */
export function parseStructured<T>(schema: AnySchema<T>, content: string, cleanString?: (s: string) => string): ParseOutcome<T> {
  let value: unknown;
  try {
    value = cleanString
      ? JSON.parse(extractJson(content), (_k, v: unknown) => (typeof v === 'string' ? cleanString(v) : v))
      : JSON.parse(extractJson(content));
  } catch (err) {
    return { ok: false, problem: `the answer is not valid JSON (${(err as Error).message})` };
  }
  let result = z.safeParse(schema, value);
  if (!result.success) {
    // Strict mode made optional keys nullable; drop the nulls zod rejects and try once more.
    const cleaned = dropRejectedNulls(value, result.error.issues);
    if (cleaned.changed) result = z.safeParse(schema, cleaned.value);
  }
  if (!result.success) {
    // Small models write null for an empty text or list; reading it as empty saves a repair call.
    // Never for an enum or a boolean: a null decision stays invalid.
    const emptied = emptyForNull(value, result.error.issues);
    if (emptied.changed) result = z.safeParse(schema, emptied.value);
  }
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, problem: `the answer does not match the expected shape: ${describeIssues(result.error.issues)}` };
}

function dropRejectedNulls(value: unknown, issues: readonly z.core.$ZodIssue[]): { value: unknown; changed: boolean } {
  const copy: unknown = structuredClone(value);
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.path.length === 0) continue;
    let parent: unknown = copy;
    for (const key of issue.path.slice(0, -1)) {
      parent = typeof parent === 'object' && parent !== null ? (parent as Record<PropertyKey, unknown>)[key] : undefined;
    }
    const last = issue.path[issue.path.length - 1] as PropertyKey;
    if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) {
      const rec = parent as Record<PropertyKey, unknown>;
      if (rec[last] === null) {
        delete rec[last];
        changed = true;
      }
    }
  }
  return { value: copy, changed };
}

function emptyForNull(value: unknown, issues: readonly z.core.$ZodIssue[]): { value: unknown; changed: boolean } {
  const copy: unknown = structuredClone(value);
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.path.length === 0) continue;
    const empty = issue.expected === 'string' ? '' : issue.expected === 'array' ? [] : undefined;
    if (empty === undefined) continue;
    let parent: unknown = copy;
    for (const key of issue.path.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<PropertyKey, unknown>)[key] : undefined;
    const last = issue.path[issue.path.length - 1] as PropertyKey;
    if (typeof parent === 'object' && parent !== null && (parent as Record<PropertyKey, unknown>)[last] === null) {
      (parent as Record<PropertyKey, unknown>)[last] = empty;
      changed = true;
    }
  }
  return { value: copy, changed };
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 8): string {
  const lines = issues.slice(0, max).map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  if (issues.length > max) lines.push(`and ${issues.length - max} more`);
  return lines.join('; ');
}

/** The instruction used when the server cannot enforce the schema itself. */
export function schemaInstruction(schemaName: string, jsonSchema: Json): string {
  return [
    `Reply with a single JSON object only, no prose and no code fences. It must match this JSON schema (named "${schemaName}"):`,
    JSON.stringify(jsonSchema),
  ].join('\n');
}

export function repairInstruction(problem: string, truncated: boolean): string {
  const head = `Your previous answer could not be used: ${problem}.`;
  const ask = truncated
    ? 'Reply again with the complete JSON object, shorter so that it fits: keep every required field, trim long texts.'
    : 'Reply again with only the corrected JSON object, matching the schema exactly.';
  return `${head}\n${ask}`;
}

/**
 * The JSON schema sent for decoding, tightened where the caller knows more than the zod schema
 * says: `maxItems` on lists, the real ids as an `enum`. The server then keeps a small model inside
 * these bounds while it writes; zod still validates leniently, and code trims what got through.
 * Paths name properties, `[]` steps into a list's items: `'concepts[].sources[]'`.
 */
export function tightenSchema(schema: Json, edits: Record<string, Json>): Json {
  const out = structuredClone(schema);
  for (const [path, patch] of Object.entries(edits)) {
    let node: Json | undefined = out;
    for (const step of path.split('.')) {
      const many = step.endsWith('[]');
      const name = many ? step.slice(0, -2) : step;
      if (name) node = (node?.properties as Record<string, Json> | undefined)?.[name];
      if (many) node = node?.items as Json | undefined;
    }
    if (!node) throw new Error(`No ${path} in the schema`);
    // An enum of nothing would make the schema unsatisfiable: leave the field free instead.
    if (Array.isArray(patch.enum) && patch.enum.length === 0) continue;
    Object.assign(node, patch);
  }
  return out;
}
