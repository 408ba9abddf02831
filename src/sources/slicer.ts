import type { Pause } from './fulltext-index';

/**
 * Long work in small slices, for the plugin: `pause()` is called often (after each note, each
 * line of the index file) and gives the event loop back once the current slice has run for
 * `budgetMs`, so typing never waits behind a rebuild. It records the longest slice it saw, which
 * is what the bench reports.
 */
export interface Slicer {
  pause: Pause;
  /** The longest run between two yields so far, in ms. */
  readonly longestMs: number;
}

/** `yieldNow` gives the event loop back (the plugin: a zero-delay window timer). */
export function slicer(budgetMs: number, yieldNow: () => Promise<void>): Slicer {
  let sliceStart = performance.now();
  let longest = 0;
  return {
    pause: async () => {
      const elapsed = performance.now() - sliceStart;
      if (elapsed < budgetMs) return;
      longest = Math.max(longest, elapsed);
      await yieldNow();
      sliceStart = performance.now();
    },
    get longestMs() {
      return longest;
    },
  };
}
