import { sha256Hex } from '../core/fingerprint';
import { countingSince, type AutomatedChange, type EvidenceFacts, type ProposalOutcome } from '../core/evidence';
import type { VaultModel } from '../core/vault-model';
import { GENERATED_KINDS } from '../core/layout';
import { Journal, latestSignOff, OutcomeLog, type JournalEntry, type OutcomeFile, type OutcomeRecord } from '../journal';
import { readNoteSource } from '../sources/vault-retrieval';
import { DEFAULT_MAX_CHARS } from '../sources/types';
import { VaultError, type DataFolder, type VaultPort } from '../vault/port';
import { loadManifest, manifestFolders } from './manifest';

/**
 * Gathers each domain's evidence (DESIGN §1) from the journal, the outcome records and the
 * sources, and hands it to the VaultModel, which derives probation, the mode and a suggestion.
 * A person's edit that put back what an automated change replaced is found here and recorded,
 * so it still counts after the note changes again.
 */

export interface EvidenceSources {
  vault: VaultPort;
  data: DataFolder;
  model: VaultModel;
  outputFolder: string;
  /** The per-source context budget the scout used, so fingerprints compare like for like. */
  maxChars?: number;
  now?: () => Date;
}

/** The hash of a note's text; null when it is gone, 'unreadable' when it is no longer text. */
async function currentHash(vault: VaultPort, path: string): Promise<string | null> {
  try {
    return sha256Hex(await vault.read(path));
  } catch (err) {
    if (err instanceof VaultError && err.kind === 'not-found') return null;
    if (err instanceof VaultError && err.kind === 'not-text') return 'unreadable';
    throw err;
  }
}

/**
 * The domain's own generated notes, when the scout read them as sources (once the person raised
 * their confidence): their changes are the cycle's own (re-check writes the critique), and the
 * sign-off's staleness rules already watch them, so they never count as changed sources.
 */
export function ownGeneratedNotes(model: VaultModel, domainPath: string): Set<string> {
  return new Set(GENERATED_KINDS.map((k) => model.generatedPath(domainPath, k)));
}

/**
 * The sources of the domain's last research run whose note text changed since it was digested.
 * `withManifest`: the folders known to have a manifest (manifestFolders), when the caller listed them.
 */
export async function changedSources(s: EvidenceSources, domainPath: string, withManifest?: Set<string>): Promise<string[]> {
  const rec = s.model.get(domainPath);
  if (!rec) return [];
  const folder = s.model.folderOf(domainPath);
  if (withManifest && !withManifest.has(folder)) return [];
  const manifest = await loadManifest(s.data, folder);
  if (!manifest || manifest.domainPath !== domainPath) return [];
  const changed: string[] = [];
  const own = ownGeneratedNotes(s.model, domainPath);
  for (const src of manifest.sources) {
    if (src.kind !== 'note' || src.error || own.has(src.ref)) continue;
    const now = await readNoteSource(s.vault, src.ref, src.reason, s.maxChars ?? DEFAULT_MAX_CHARS);
    if (now.error || now.fingerprint !== src.fingerprint) changed.push(src.ref);
  }
  return changed;
}

/**
 * Refreshes the evidence of the given domains (all domains when absent). Returns the facts per
 * domain path, as set on the model.
 */
export async function refreshEvidence(s: EvidenceSources, domains?: string[], journal?: Journal): Promise<Map<string, EvidenceFacts>> {
  const j = journal ?? new Journal(s.vault, s.data, { outputFolder: s.outputFolder });
  const log = new OutcomeLog(s.data);
  const [entries, outcomes, withManifest] = await Promise.all([j.list(), log.read(), manifestFolders(s.data)]);
  const wanted = domains ?? s.model.domainPaths();
  const out = new Map<string, EvidenceFacts>();
  const found: OutcomeRecord[] = [];
  const time = (s.now?.() ?? new Date()).toISOString();
  for (const domainPath of wanted) {
    const rec = s.model.get(domainPath);
    if (!rec || rec.role !== 'domain') continue;
    const since = countingSince(latestSignOff(outcomes, domainPath), rec.trust.signedOff);
    const changes = await automatedChanges(s.vault, entries, outcomes, domainPath, since, (entry) => found.push({ domain: domainPath, time, kind: 'reverted', entry }));
    const facts: EvidenceFacts = {
      since,
      changes,
      proposals: proposalOutcomes(outcomes, domainPath),
      sourcesChanged: await changedSources(s, domainPath, withManifest),
      // The map takes the share from the distillate's `quotes-verified` (computed when it was written).
      quotesVerified: null,
    };
    s.model.setEvidence(domainPath, facts);
    out.set(domainPath, facts);
  }
  if (found.length > 0) await log.record(...found);
  return out;
}

async function automatedChanges(
  vault: VaultPort,
  entries: JournalEntry[],
  outcomes: OutcomeFile,
  domainPath: string,
  since: string | null,
  onReverted: (entryId: string) => void,
): Promise<AutomatedChange[]> {
  const recorded = new Set(outcomes.outcomes.filter((o) => o.kind === 'reverted' && o.entry).map((o) => o.entry!));
  const out: AutomatedChange[] = [];
  for (const e of entries) {
    if (e.by !== 'agent' || e.domain !== domainPath || (e.state !== 'applied' && e.state !== 'undone')) continue;
    // Older changes are not counted; reading their notes would only cost time.
    if (since !== null && e.time < since) continue;
    let reverted = recorded.has(e.id);
    if (!reverted && e.state === 'applied') {
      const now = await currentHash(vault, e.path);
      // A created note that is gone, or a note whose text is again what the change replaced.
      reverted = e.beforeHash === null ? now === null : now === e.beforeHash;
      if (reverted) onReverted(e.id);
    }
    out.push({ id: e.id, time: e.time, undone: e.state === 'undone', reverted });
  }
  return out;
}

function proposalOutcomes(f: OutcomeFile, domainPath: string): ProposalOutcome[] {
  return f.outcomes
    .filter((o): o is OutcomeRecord & { kind: ProposalOutcome['outcome'] } => o.domain === domainPath && o.kind !== 'reverted')
    .map((o) => ({ time: o.time, outcome: o.kind }));
}
