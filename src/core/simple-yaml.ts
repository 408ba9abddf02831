/**
 * A fast path for the frontmatter most notes have: `key: scalar`, flow lists of scalars and
 * block lists of scalars, as YAML 1.2's core schema reads them. Anything outside that small
 * grammar — comments after values, nesting, anchors, tags, escapes, duplicate keys, tabs,
 * multi-line scalars — returns null and goes to the full `yaml` parser, which also reports the
 * problems. Profiling `map` on 50k notes put 35% of the time in yaml's parseDocument for blocks
 * of 3–6 such lines. Equality with `yaml` is checked by property tests.
 */

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*$/;
const ITEM = /^([ ]*)-[ ]+(.*?)[ ]*$/;
const DQ = /^"([^"\\]*)"$/;
const SQ = /^'([^']*)'$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// A plain scalar that cannot be anything else: no indicator first, no `: ` or ` #` inside.
const PLAIN = /^[^-?:,[\]{}#&*!|>'"%@`\s][^\t]*$/;

const NOT_HANDLED = Symbol('not handled');
// Keys yaml would read as null or booleans, and the one key a plain object cannot hold.
const RESERVED_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);
type Scalar = string | number | boolean | null;

function scalar(raw: string, inFlow: boolean): Scalar | typeof NOT_HANDLED {
  const dq = DQ.exec(raw);
  if (dq) return dq[1]!;
  const sq = SQ.exec(raw);
  if (sq) return sq[1]!;
  if (!PLAIN.test(raw) || raw.includes(': ') || raw.endsWith(':') || raw.includes(' #')) return NOT_HANDLED;
  if (inFlow && /[,[\]{}]/.test(raw)) return NOT_HANDLED;
  if (raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null;
  if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true;
  if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false;
  if (INT.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : NOT_HANDLED;
  }
  if (FLOAT.test(raw)) return Number(raw);
  // .inf, .nan, 0x1F, 0o17 and friends: left to yaml.
  if (/^[-+]?\.|^0[xo]/i.test(raw)) return NOT_HANDLED;
  return raw;
}

function flowList(raw: string): Scalar[] | typeof NOT_HANDLED {
  const inner = raw.slice(1, -1).trim();
  if (inner === '') return [];
  const out: Scalar[] = [];
  for (const part of inner.split(',')) {
    const item = part.trim();
    if (item === '') return NOT_HANDLED;
    const v = scalar(item, true);
    if (v === NOT_HANDLED) return NOT_HANDLED;
    out.push(v);
  }
  return out;
}

/** The mapping, or null when the text is outside the fast path's grammar. */
export function simpleFrontmatter(yamlText: string): Record<string, unknown> | null {
  // eslint-disable-next-line no-control-regex -- yaml refuses these; its error message is the one to show
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/.test(yamlText)) return null;
  const out: Record<string, unknown> = {};
  const lines = yamlText.split('\n');
  let listKey: string | null = null;
  let listIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() === '') continue;
    if (line.includes('\t')) return null;
    if (line.startsWith('#')) continue;
    const item = ITEM.exec(line);
    if (item && listKey !== null) {
      const indent = item[1]!.length;
      if (listIndent === -1) listIndent = indent;
      else if (indent !== listIndent) return null;
      const v = scalar(item[2]!, false);
      if (v === NOT_HANDLED) return null;
      (out[listKey] as Scalar[]).push(v);
      continue;
    }
    const m = KEY.exec(line);
    if (!m) return null;
    const key = m[1]!;
    if (Object.prototype.hasOwnProperty.call(out, key) || RESERVED_KEYS.has(key)) return null;
    const raw = m[2] ?? '';
    listKey = null;
    listIndent = -1;
    if (raw === '') {
      // Either null, or the head of a block list: decided by the next content line.
      out[key] = null;
      const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.startsWith('#'));
      if (next !== undefined && ITEM.test(next.replace(/\r$/, ''))) {
        out[key] = [];
        listKey = key;
      }
      continue;
    }
    if (raw.startsWith('[') && raw.endsWith(']')) {
      const list = flowList(raw);
      if (list === NOT_HANDLED) return null;
      out[key] = list;
      continue;
    }
    const v = scalar(raw, false);
    if (v === NOT_HANDLED) return null;
    out[key] = v;
  }
  return out;
}
