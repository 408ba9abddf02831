import { stat as statCb } from 'node:fs';
import * as path from 'node:path';
import type { VaultModel } from '../core/vault-model';
import { readRecord } from '../vault/load-model';
import { loadCliModel } from './cli-model';
import type { NodeVault } from './node-vault';
import type { ListedFile } from '../vault/port';

/**
 * A VaultModel that a long-running process (the MCP server) keeps true to the disk: before each
 * decision, `refresh` lists the notes, and re-reads those whose size or modification time
 * changed, or that are new; notes gone from disk leave the model. Another program (the person's
 * editor, the plugin, the CLI) may change the vault at any moment between two calls.
 */

function signature(abs: string): Promise<string | null> {
  return new Promise((resolve) => statCb(abs, (err, st) => resolve(err || !st.isFile() ? null : `${st.mtimeMs}:${st.size}:${st.ino}`)));
}

async function signatures(vault: NodeVault, notes: readonly ListedFile[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < notes.length) {
      const p = notes[next++]!.path;
      out.set(p, await signature(path.join(vault.root, ...p.split('/'))));
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, notes.length) }, worker));
  return out;
}

export class LiveVault {
  private constructor(
    readonly vault: NodeVault,
    readonly model: VaultModel,
    private sigs: Map<string, string | null>,
  ) {}

  static async open(vault: NodeVault, outputFolder: string, onProgress?: (done: number, total: number) => void): Promise<LiveVault> {
    // Signatures first: a note changed while the model loads is then re-read by the first refresh
    // (one listing serves both; a note created since is new to the first refresh).
    const files = await vault.listNotes();
    const sigs = await signatures(vault, files);
    const model = await loadCliModel(vault, outputFolder, { files, onProgress });
    return new LiveVault(vault, model, sigs);
  }

  /** Brings the model up to date; returns the paths re-read or removed. */
  async refresh(): Promise<string[]> {
    const now = await signatures(this.vault, await this.vault.listNotes());
    const changed: string[] = [];
    for (const [p, sig] of now) {
      if (sig !== null && this.sigs.get(p) === sig && this.model.get(p)) continue;
      this.model.set(await readRecord(this.vault, p));
      changed.push(p);
    }
    for (const p of this.sigs.keys()) {
      if (now.has(p)) continue;
      this.model.delete(p);
      changed.push(p);
    }
    this.sigs = now;
    return changed;
  }
}
