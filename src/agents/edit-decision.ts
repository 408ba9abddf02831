import { isInside } from '../core/layout';
import { analyzeNote } from '../core/note-record';
import { changedPersonKeys } from '../core/person-keys';
import type { Mode } from '../core/trust';
import type { VaultModel } from '../core/vault-model';
import { domainName } from './domain-note';
import { modeOf } from './domain-mode';

/**
 * The Claude Code hook's decision (DESIGN §5) for an agent's own tool about to write one file of
 * the vault: allow in automate, ask in assist and on unmapped ground, deny in propose, for
 * generated notes, in the config folder, and for any change to the person's keys. A change that
 * moves a note between domains must pass in every domain it touches, before and after.
 */

export type Permission = 'allow' | 'ask' | 'deny';

export interface EditDecision {
  permission: Permission;
  reason: string;
  /** The domain whose mode decided, when one did. */
  domain: string | null;
  mode: Mode | null;
}

const STRICTNESS: Record<Permission, number> = { allow: 0, ask: 1, deny: 2 };
const BY_MODE: Record<Mode, Permission> = { automate: 'allow', assist: 'ask', propose: 'deny' };

export const INSTEAD =
  "To change it anyway, use the groundwork MCP server's request_change tool (it becomes a proposal the person reviews), or ask the person to raise their trust in the domain.";

export interface EditQuery {
  /** Vault-relative path of the file written. */
  path: string;
  configDir: string;
  outputFolder: string;
  /** The file's text now; null when it does not exist (or cannot be read as text). */
  before: string | null;
  /** Its text after the tool ran; null when that cannot be known (an edit whose old text is not in the note). */
  after: string | null;
}

function ownersOf(model: VaultModel, path: string, text: string): string[] {
  const rec = analyzeNote(path, text);
  return rec.role === 'domain' ? [path] : model.domainsOf(rec);
}

/** The domains the note is in before the change and would be in after it. */
export function touchedDomains(model: VaultModel, q: Pick<EditQuery, 'path' | 'before' | 'after'>): string[] {
  const out = new Set<string>();
  for (const text of [q.before, q.after]) if (text !== null) for (const d of ownersOf(model, q.path, text)) out.add(d);
  return [...out];
}

const deny = (reason: string): EditDecision => ({ permission: 'deny', reason, domain: null, mode: null });

/** The decision that the path alone settles (config folder, output folder, not a note), or null. */
export function decideByPlace(q: Pick<EditQuery, 'path' | 'configDir' | 'outputFolder'>): EditDecision | null {
  if (isInside(q.path, q.configDir)) return deny(`Groundwork: ${q.path} is in ${q.configDir}/, the vault's configuration folder; agents never write there.`);
  if (isInside(q.path, q.outputFolder)) {
    return deny(`Groundwork: ${q.path} is under ${q.outputFolder}/, where Groundwork keeps the notes it generates, its inbox and its journal; they change only through Groundwork's own steps. ${INSTEAD}`);
  }
  if (!q.path.toLowerCase().endsWith('.md')) {
    return { permission: 'ask', reason: `Groundwork: ${q.path} is not a note, so no domain's trust covers it; the person decides.`, domain: null, mode: null };
  }
  return null;
}

export function decideEdit(model: VaultModel, q: EditQuery): EditDecision {
  const byPlace = decideByPlace(q);
  if (byPlace) return byPlace;
  for (const text of [q.before, q.after]) {
    if (text === null) continue;
    const role = analyzeNote(q.path, text).role;
    if (role !== null && role !== 'domain') return deny(`Groundwork: ${q.path} is a generated ${role} note; it changes only through Groundwork's own steps. ${INSTEAD}`);
  }
  if (q.after !== null) {
    const keys = changedPersonKeys(q.before, q.after);
    if (keys.length > 0) {
      return deny(
        `Groundwork: this change would ${q.before === null ? 'set' : 'change'} ${keys.join(', ')} in ${q.path}; only the person writes trust keys and a note's role. Leave the note's properties as they are, and ask the person if their trust should change.`,
      );
    }
  }

  // Every domain the note is in now, and every one it would be in after: the strictest decides.
  const owners = new Set<string>();
  let unmapped = false;
  for (const text of [q.before, q.after]) {
    if (text === null) continue;
    const o = ownersOf(model, q.path, text);
    if (o.length === 0) unmapped = true;
    for (const d of o) owners.add(d);
  }
  // A new note is in no domain yet, whatever it says it will be in: the person decides on it.
  const fresh = q.before === null;

  let worst: EditDecision | null = null;
  for (const d of owners) {
    const mode = modeOf(model, d);
    const name = domainName(model.get(d)!);
    const permission = BY_MODE[mode];
    const reason =
      permission === 'allow'
        ? `Groundwork: ${name} is in automate mode (the person signed it off); the note's current text is journaled, so the person can undo this change.`
        : permission === 'ask'
          ? `Groundwork: ${name} is in assist mode: the person reviews each change to its notes before it is made.`
          : `Groundwork: ${name} is in propose mode (the person does not yet trust agents here), so agents do not edit its notes. ${INSTEAD}`;
    if (worst === null || STRICTNESS[permission] > STRICTNESS[worst.permission]) worst = { permission, reason, domain: d, mode };
  }
  if ((unmapped || fresh) && (worst === null || worst.permission === 'allow')) {
    const what = fresh ? 'would be a new note; a new note is in no domain yet' : owners.size > 0 ? 'would leave its domain for no domain (unmapped ground)' : 'belongs to no domain (unmapped ground)';
    return { permission: 'ask', reason: `Groundwork: ${q.path} ${what}, so the person decides.`, domain: worst?.domain ?? null, mode: worst?.mode ?? null };
  }
  return worst!;
}
