import { LlmCancelled } from './errors';

/** Parses `retry-after-ms`, or `retry-after` as seconds or an HTTP date; null when absent or junk. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return null;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : null;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Full-jitter exponential backoff, so parallel agents that failed together do not retry together. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Servers ask for long waits on rate limits; past this we would rather fail and say so. */
export const MAX_RETRY_AFTER_MS = 120_000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LlmCancelled());
      return;
    }
    const onAbort = (): void => {
      clearTimer(timer);
      reject(new LlmCancelled());
    };
    const timer = setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/*
 * The plugin may run in a popout window, and the CLI has no window at all; plain global timers
 * work in both, which is what this layer needs (it never touches the DOM).
 */
export function setTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(fn, ms);
}

export function clearTimer(timer: ReturnType<typeof setTimeout>): void {
  clearTimeout(timer);
}
