export { abortError, raceAbort, throwIfAborted } from '../core/abort';

/**
 * Cancellation helpers. AbortSignal.any and AbortSignal.timeout are missing on older mobile
 * webviews, so signals are joined by hand; and Obsidian's requestUrl cannot be aborted, so
 * every wait is raced against the signal instead of trusting the fetch to honour it.
 */

/** A signal that aborts when any of the given ones does; the returned `dispose` detaches it. */
export function anySignal(...signals: Array<AbortSignal | undefined>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const detach: Array<() => void> = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const onAbort = (): void => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    detach.push(() => s.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, dispose: () => detach.forEach((d) => d()) };
}


/**
 * A signal that aborts after `ms`. AbortSignal.timeout keeps this layer free of timers (the CLI
 * has no window for window.setTimeout, and popouts want no global one); on a webview too old to
 * have it, pages are simply not timed out, and cancel still stops the run.
 */
export function timeoutSignal(ms: number): AbortSignal | undefined {
  return typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(ms) : undefined;
}

export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
