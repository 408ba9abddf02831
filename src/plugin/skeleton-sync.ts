import { TFile, type App, type EventRef, type TAbstractFile } from 'obsidian';
import { isSkeletonPath, syncSkeletonCanvas } from '../agents/skeleton-canvas';
import type { VaultPort } from '../vault/port';

/**
 * Keeps each skeleton's canvas derived from its note inside Obsidian: when a skeleton note is
 * created or changed (by the person, or by a sync from outside), its canvas is rewritten if it
 * no longer says what the note says; at start-up every stale canvas is brought in line, so a canvas
 * that disagrees with its note is never what the person opens.
 */
export class SkeletonCanvasSync {
  private work: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: App,
    private readonly port: VaultPort,
    private readonly outputFolder: () => string,
    private readonly onError: (message: string) => void,
  ) {}

  attach(register: (ref: EventRef) => void): void {
    register(this.app.vault.on('modify', (f) => this.changed(f)));
    register(this.app.vault.on('create', (f) => this.changed(f)));
    for (const f of this.app.vault.getMarkdownFiles()) this.changed(f);
  }

  private changed(file: TAbstractFile): void {
    if (!(file instanceof TFile) || !isSkeletonPath(file.path, this.outputFolder())) return;
    // One at a time: a burst of saves ends with the canvas of the last one.
    this.work = this.work.then(() =>
      syncSkeletonCanvas(this.port, this.outputFolder(), file.path).catch((err: unknown) => this.onError(`the canvas of ${file.path} could not be updated: ${err instanceof Error ? err.message : String(err)}`)),
    );
  }

  idle(): Promise<unknown> {
    return this.work;
  }
}
