import { TFile, debounce, type App, type EventRef } from 'obsidian';
import { analyzeNote } from '../core/note-record';
import { VaultModel, type AutonomyMap } from '../core/vault-model';
import { loadModel } from '../vault/load-model';
import { buildIndex, syncNote, type FullTextIndex } from '../sources/fulltext-index';
import type { ObsidianVault } from './obsidian-vault';

/**
 * The VaultModel kept live inside Obsidian: built once after layout-ready, then updated one note
 * at a time from metadataCache `changed` (which hands us the text: no re-read) and vault
 * `rename`/`delete`. Listeners get the recomputed map, coalesced so a burst of edits costs one.
 */
export class LiveModel {
  private model: VaultModel | null = null;
  private readonly listeners = new Set<(map: AutonomyMap) => void>();
  private loading: Promise<VaultModel> | null = null;
  /** The scout's full-text index: built on the first research run, then kept up to date. */
  private index: FullTextIndex | null = null;
  private indexing: Promise<FullTextIndex> | null = null;
  private readonly notifySoon = debounce(() => this.notify(), 100, false);

  constructor(
    private readonly app: App,
    private readonly port: ObsidianVault,
    private readonly outputFolder: () => string,
  ) {}

  /** Registers the event handlers through `register` so they are removed on unload. */
  attach(register: (ref: EventRef) => void): void {
    register(
      this.app.metadataCache.on('changed', (file, data) => {
        if (!this.model || file.extension !== 'md') return;
        const record = analyzeNote(file.path, data);
        this.model.set(record);
        if (this.index) syncNote(this.index, record, data, this.outputFolder());
        this.notifySoon();
      }),
    );
    register(
      this.app.vault.on('rename', (file, oldPath) => {
        if (!this.model || !(file instanceof TFile)) return;
        const old = this.model.get(oldPath);
        if (file.extension !== 'md') {
          if (old) this.model.delete(oldPath);
        } else if (old) this.model.rename(oldPath, { ...old, path: file.path });
        this.index?.rename(oldPath, file.path);
        this.notifySoon();
      }),
    );
    register(
      this.app.vault.on('delete', (file) => {
        if (!this.model) return;
        this.model.delete(file.path);
        this.index?.remove(file.path);
        this.notifySoon();
      }),
    );
  }

  /** Builds the model on first use (after layout-ready), reading through Obsidian's cache. */
  ensure(): Promise<VaultModel> {
    if (this.model) return Promise.resolve(this.model);
    this.loading ??= loadModel(this.port, this.outputFolder()).then((m) => {
      this.model = m;
      return m;
    });
    return this.loading;
  }

  /** The full-text index, built once from the model and kept current by the change events. */
  async ensureIndex(): Promise<FullTextIndex> {
    if (this.index) return this.index;
    this.indexing ??= this.ensure()
      .then((model) => buildIndex(this.port, model, this.outputFolder()))
      .then((index) => {
        this.index = index;
        return index;
      });
    return this.indexing;
  }

  /** Forgets everything, for a change of output folder. */
  reset(): void {
    this.model = null;
    this.loading = null;
    this.index = null;
    this.indexing = null;
  }

  current(): VaultModel | null {
    return this.model;
  }

  onChange(listener: (map: AutonomyMap) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Recomputes now (tests and commands call this instead of waiting for the debounce). */
  notify(): void {
    if (!this.model) return;
    const map = this.model.computeMap();
    for (const l of this.listeners) l(map);
  }

  dispose(): void {
    this.notifySoon.cancel();
    this.listeners.clear();
  }
}
