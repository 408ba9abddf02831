import { Document, isScalar, visit } from 'yaml';
import { FALLTHROUGH, MODE_ROWS, type ModePredicate } from './policy';
import { MODES, type Mode } from './trust';
import { inboxFolder } from './layout';

/**
 * `Groundwork/Domains.base`: every domain's trust keys in one table of Obsidian's Bases, so a
 * person can raise `confidence` or set `critical` across domains in Obsidian's own UI. The base
 * only displays and lets the person edit frontmatter; it is no new path by which anything
 * else could change trust.
 *
 * Its mode column is compiled from the same rows as core/policy, restricted to the rows that
 * read only the trust keys as written (staleness and probation need the vault's state, which
 * only the autonomy map knows — the column's name says so).
 */

export const DOMAINS_BASE_FILE = 'Domains.base';

export function domainsBasePath(outputFolder: string): string {
  return `${outputFolder}/${DOMAINS_BASE_FILE}`;
}

/** The mode column's display name: it must not pass for the final word. */
export const MODE_COLUMN_NAME = 'Mode as written (the autonomy map decides)';

/**
 * Each trust key normalized as trust.ts reads it: trimmed, lower case; a missing, null or empty
 * value is "" (missing). `if()` guards the method call, as a missing property has no methods;
 * `false` is falsy but is a real value of `critical`, hence its own branch.
 */
const norm = (key: string): string => `if(note["${key}"], note["${key}"].toString().trim().lower(), if(note["${key}"] == false, "false", ""))`;

const T = {
  confidence: 'formula.trust_confidence',
  critical: 'formula.trust_critical',
  autonomy: 'formula.trust_autonomy',
  signedOff: 'formula.trust_signed_off',
  fingerprint: 'formula.trust_fingerprint',
};

const oneOf = (ref: string, values: readonly string[]): string => `(${values.map((v) => `${ref} == "${v}"`).join(' || ')})`;
const setAndNot = (ref: string, valid: string): string => `(${ref} != "" && !${valid})`;

/** A date that is a real day: the pattern, and a round trip through date() (2026-02-30 fails it). */
const realDate = (ref: string): string => `(/^\\d{4}-\\d{2}-\\d{2}$/.matches(${ref}) && date(${ref}).format("YYYY-MM-DD") == ${ref})`;

const INVALID_TRUST = [
  setAndNot(T.confidence, oneOf(T.confidence, ['low', 'medium', 'high'])),
  setAndNot(T.critical, oneOf(T.critical, ['true', 'false'])),
  setAndNot(T.autonomy, oneOf(T.autonomy, MODES)),
  setAndNot(T.signedOff, realDate(T.signedOff)),
  setAndNot(T.fingerprint, `/^sha256:[0-9a-f]{12}$/.matches(${T.fingerprint})`),
].join(' || ');

/** Each written predicate of the mode table as a Bases expression; null for those only the map can know. */
export const PREDICATE_EXPRESSIONS: Record<ModePredicate, string | null> = {
  critical: `${T.critical} == "true"`,
  'invalid-trust-value': 'formula.trust_invalid',
  'low-confidence': oneOf(T.confidence, ['', 'low']),
  'medium-confidence': `${T.confidence} == "medium"`,
  'not-signed-off': `${T.signedOff} == ""`,
  'stale-sign-off': null,
  probation: null,
};

function modeBeforeCap(): string {
  let expr = `"${FALLTHROUGH.mode}"`;
  for (const row of [...MODE_ROWS].reverse()) {
    const test = PREDICATE_EXPRESSIONS[row.when];
    if (test === null) continue;
    expr = `if(${test}, "${row.mode}", ${expr})`;
  }
  return expr;
}

/** The `autonomy` cap: lowers the mode, never raises it (an invalid cap already made it propose). */
function capped(): string {
  let expr = 'formula.mode_before_cap';
  const rank = (m: Mode) => MODES.indexOf(m);
  for (const cap of [...MODES].reverse()) {
    const higher = MODES.filter((m) => rank(m) > rank(cap));
    if (higher.length === 0) continue;
    expr = `if(${T.autonomy} == "${cap}" && ${oneOf('formula.mode_before_cap', higher)}, "${cap}", ${expr})`;
  }
  return expr;
}

export function domainsBaseFormulas(): Record<string, string> {
  return {
    trust_confidence: norm('confidence'),
    trust_critical: norm('critical'),
    trust_autonomy: norm('autonomy'),
    trust_signed_off: norm('signed-off'),
    trust_fingerprint: norm('signed-off-distillate'),
    trust_invalid: INVALID_TRUST,
    mode_before_cap: modeBeforeCap(),
    mode_as_written: capped(),
  };
}

const REVIEWED_ROLES = ['distillate', 'critique', 'skeleton'];

/** The whole base as an object; `renderDomainsBase` writes it as YAML. */
export function domainsBase(outputFolder: string): Record<string, unknown> {
  const inFolder = (folder: string) => `file.inFolder(${JSON.stringify(folder)})`;
  return {
    formulas: domainsBaseFormulas(),
    properties: {
      'file.name': { displayName: 'Note' },
      'note.confidence': { displayName: 'Confidence' },
      'note.critical': { displayName: 'Critical' },
      'note.autonomy': { displayName: 'Autonomy cap' },
      'note.signed-off': { displayName: 'Signed off' },
      'formula.mode_as_written': { displayName: MODE_COLUMN_NAME },
      'note.groundwork': { displayName: 'Kind' },
      'note.domain': { displayName: 'Domain' },
      'note.generated': { displayName: 'Generated' },
      'note.mode': { displayName: 'Mode' },
      'note.target': { displayName: 'Target' },
      'note.task': { displayName: 'Task' },
      'note.status': { displayName: 'Status' },
    },
    views: [
      {
        type: 'table',
        name: 'Domains',
        filters: { and: ['groundwork == "domain"'] },
        order: ['file.name', 'confidence', 'critical', 'autonomy', 'signed-off', 'formula.mode_as_written'],
        sort: [{ property: 'file.name', direction: 'ASC' }],
      },
      {
        type: 'table',
        name: 'Waiting for your review',
        filters: {
          and: [
            inFolder(outputFolder),
            oneOf('groundwork', REVIEWED_ROLES),
            // Generated notes start at low; a missing or invalid value counts as low (trust.ts noteConfidence).
            `!${oneOf(T.confidence, ['medium', 'high'])}`,
          ],
        },
        order: ['file.name', 'groundwork', 'domain', 'confidence', 'generated'],
        sort: [{ property: 'file.mtime', direction: 'DESC' }],
      },
      {
        type: 'table',
        name: 'Pending proposals',
        filters: { and: [inFolder(inboxFolder(outputFolder)), 'groundwork == "proposal"', 'status == "pending"'] },
        order: ['file.name', 'domain', 'mode', 'target', 'task', 'generated'],
        sort: [{ property: 'file.mtime', direction: 'DESC' }],
      },
    ],
  };
}

export function renderDomainsBase(outputFolder: string): string {
  const header =
    '# Written by Groundwork. Edit it freely: once you do, Groundwork never writes over it.\n' +
    `# "${MODE_COLUMN_NAME}" applies the mode table to the trust keys as written; staleness and probation\n` +
    '# are known only to the autonomy map, which stays the authority.\n';
  const doc = new Document(domainsBase(outputFolder));
  // Expressions in single quotes, as Obsidian writes them: their string literals use double quotes.
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /["(]/.test(node.value)) node.type = 'QUOTE_SINGLE';
    },
  });
  return header + doc.toString({ lineWidth: 0 });
}
