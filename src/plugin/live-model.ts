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
  /**
   * Changes seen while the model loads, replayed onto it once loaded: the load may have read a
   * note before the person's edit to it, and dropping the event would keep the old text for good.
   */
  private missed: ((model: VaultModel) => void)[] = [];
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
        if (file.extension !== 'md') return;
        this.apply((model) => {
          const record = analyzeNote(file.path, data);
          model.set(record);
          if (this.index) syncNote(this.index, record, data, this.outputFolder());
        });
      }),
    );
    register(
      this.app.vault.on('rename', (file, oldPath) => {
        if (!(file instanceof TFile)) return;
        const newPath = file.path;
        const isNote = file.extension === 'md';
        this.apply((model) => {
          const old = model.get(oldPath);
          if (!isNote) {
            if (old) model.delete(oldPath);
          } else if (old) model.rename(oldPath, { ...old, path: newPath });
          this.index?.rename(oldPath, newPath);
        });
      }),
    );
    register(
      this.app.vault.on('delete', (file) => {
        const path = file.path;
        this.apply((model) => {
          model.delete(path);
          this.index?.remove(path);
        });
      }),
    );
  }

  /** Applies a change now, or after the load when the model is loading; before any load, the load will read it. */
  private apply(change: (model: VaultModel) => void): void {
    if (this.model) {
      change(this.model);
      this.notifySoon();
    } else if (this.loading) this.missed.push(change);
  }

  /** Builds the model on first use (after layout-ready), reading through Obsidian's cache. */
  ensure(): Promise<VaultModel> {
    if (this.model) return Promise.resolve(this.model);
    if (!this.loading) {
      const loading: Promise<VaultModel> = loadModel(this.port, this.outputFolder()).then((m) => {
        // A reset() during the load started another one: this model is not current.
        if (this.loading !== loading) return m;
        for (const change of this.missed.splice(0)) change(m);
        this.model = m;
        return m;
      });
      this.loading = loading;
    }
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
    this.missed = [];
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
