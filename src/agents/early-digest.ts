import { findNotePathIn } from '../core/links';
import { analyzeNote } from '../core/note-record';
import type { LlmClient } from '../llm';
import { isSourceEligible } from '../sources/eligibility';
import type { NumberedSource } from '../sources/types';
import { noteSource } from '../sources/vault-retrieval';
import type { DataFolder, ListedFile, VaultPort } from '../vault/port';
import { domainLookupKey, domainOfText, hasBrokenFrontmatter } from './domain-note';
import { digestSource, type DigestDomain, type DigestOutcome } from './scout';

/**
 * The domain note's digest, started before the vault's model is loaded. A CLI run reads every
 * note before research() starts (seconds on a large vault), and the domain note is always S1,
 * digested first: found from the listing alone and read on its own, its digest can be with the
 * model while the rest of the vault is read. research() then claims it in place of S1's digest
 * when it is exactly that digest (same note, same domain name and language, same text); in any
 * other case the early one is cancelled, so a run never asks the model twice for S1.
 *
 * The plugin keeps a live model and needs none of this.
 */

export interface EarlyDigest {
  /**
   * S1's digest when research() hands the same source for the same domain as the early start
   * read, or null (then the early digest is cancelled, and research() digests S1 itself).
   * Only the first call can claim it.
   */
  claim(domainPath: string, domain: DigestDomain, source: NumberedSource): Promise<DigestOutcome> | null;
  /** Cancels the early digest unless it was claimed, and resolves once it has settled. */
  release(): Promise<void>;
}

export interface EarlyDigestOptions {
  vault: VaultPort;
  data: DataFolder;
  /** The run's client: one usage count, one cancel signal, the same caches as the run. */
  llm: LlmClient;
  outputFolder: string;
  /** The vault's listing (the one the model is loaded from). */
  files: readonly ListedFile[];
  /** The `<domain>` argument, as research() gets it. */
  domainArg: string;
  /** research()'s `maxChars`: the S1 text must be cut where research() cuts it. */
  maxChars?: number;
}

/**
 * Starts S1's digest when the argument names a note that is already a domain and may be read as
 * a source; null when it is not (a note to adopt, a generated note, a name that resolves to
 * nothing, an unreadable note): then research() digests S1 as it always does.
 */
export async function startEarlyDigest(o: EarlyDigestOptions): Promise<EarlyDigest | null> {
  const path = findNotePathIn(domainLookupKey(o.domainArg), o.files.map((f) => f.path));
  if (path === null) return null;
  let raw: string;
  try {
    raw = await o.vault.read(path);
  } catch {
    return null;
  }
  const rec = analyzeNote(path, raw);
  if (rec.role !== 'domain' || hasBrokenFrontmatter(rec) || !isSourceEligible(rec, o.outputFolder)) return null;
  const domain = domainOfText(path, raw);
  const source: NumberedSource = { id: 'S1', ...noteSource(path, raw, 'domain note', o.maxChars), score: 1 };
  const cancel = new AbortController();
  const outcome = digestSource(o.llm, o.data, domain, source, cancel.signal);
  const settled = outcome.then(
    () => undefined,
    () => undefined,
  );
  let state: 'open' | 'claimed' | 'dropped' = 'open';
  const drop = (): void => {
    if (state !== 'open') return;
    state = 'dropped';
    cancel.abort();
  };
  return {
    claim(domainPath, d, s) {
      if (state !== 'open') return null;
      const same =
        domainPath === path &&
        d.name === domain.name &&
        d.language === domain.language &&
        s.id === source.id &&
        s.kind === 'note' &&
        s.ref === path &&
        s.title === source.title &&
        s.text === source.text &&
        s.fingerprint === source.fingerprint;
      if (!same) {
        drop();
        return null;
      }
      state = 'claimed';
      return outcome;
    },
    async release() {
      drop();
      await settled;
    },
  };
}
