import { TFile, debounce, type App, type EventRef } from 'obsidian';
import { analyzeNote } from '../core/note-record';
import { VaultModel, type AutonomyMap } from '../core/vault-model';
import { loadModel } from '../vault/load-model';
import { syncNote, type FullTextIndex } from '../sources/fulltext-index';
import { openIndex, saveIndex } from '../sources/index-store';
import { slicer } from '../sources/slicer';
import type { DataFolder } from '../vault/port';
import type { ObsidianVault } from './obsidian-vault';

/** Gives the UI its turn: long work runs in slices between window timers. */
export const yieldToUi = (): Promise<void> => new Promise((resolve) => window.setTimeout(resolve, 0));

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
  /** Edits reach the saved index a while after the last one, not on every keystroke. */
  private readonly saveIndexSoon = debounce(() => void this.saveIndexNow(), 30_000, true);
  /** The longest main-thread slice of the last index build, in ms (the bench reads it). */
  lastIndexSliceMs = 0;

  constructor(
    private readonly app: App,
    private readonly port: ObsidianVault,
    private readonly outputFolder: () => string,
    private readonly data: DataFolder,
  ) {}

  /** Registers the event handlers through `register` so they are removed on unload. */
  attach(register: (ref: EventRef) => void): void {
    register(
      this.app.metadataCache.on('changed', (file, data) => {
        if (file.extension !== 'md') return;
        const stat = { size: file.stat.size, mtime: file.stat.mtime };
        this.apply((model) => {
          const record = analyzeNote(file.path, data, stat);
          model.set(record);
          if (this.index) {
            syncNote(this.index, record, data, this.outputFolder());
            this.saveIndexSoon();
          }
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
          if (!isNote) this.index?.remove(oldPath);
          else this.index?.rename(oldPath, newPath);
          if (this.index) this.saveIndexSoon();
        });
      }),
    );
    register(
      this.app.vault.on('delete', (file) => {
        const path = file.path;
        this.apply((model) => {
          model.delete(path);
          if (this.index?.has(path)) {
            this.index.remove(path);
            this.saveIndexSoon();
          }
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

  /**
   * The full-text index: the saved one from the data folder, brought up to date with what
   * changed since (or built), in slices of ~10 ms so that typing never waits behind it; then
   * kept current by the change events and saved a while after the last one.
   */
  async ensureIndex(): Promise<FullTextIndex> {
    if (this.index) return this.index;
    this.indexing ??= this.ensure().then(async (model) => {
      const slices = slicer(10, yieldToUi);
      // Reads stay few at a time: each one hands a note back to index inside a slice.
      const { index } = await openIndex(this.port, this.data, model, this.outputFolder(), { pause: slices.pause, concurrency: 4 });
      this.lastIndexSliceMs = slices.longestMs;
      this.index = index;
      return index;
    });
    return this.indexing;
  }

  private async saveIndexNow(): Promise<void> {
    if (!this.index) return;
    try {
      await saveIndex(this.data, this.index, slicer(10, yieldToUi).pause);
    } catch {
      // A cache that cannot be saved costs the next start time, nothing else; the next edit retries.
    }
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
    this.saveIndexSoon.cancel();
    this.listeners.clear();
  }
}
