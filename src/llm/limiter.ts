import { LlmCancelled } from './errors';

/** A counting semaphore whose waiters can give up when their run is cancelled. */
export class Limiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(public max: number) {}

  get inFlight(): number {
    return this.active;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new LlmCancelled();
    if (this.active < this.max) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new LlmCancelled());
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The slot was handed over by release() without decrementing, so `active` is already counted.
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.release();
    };
  }

  private release(): void {
    // Honour a lowered `max`: only hand the slot on while we are under it.
    if (this.waiters.length > 0 && this.active <= this.max) {
      this.waiters.shift()?.();
    } else {
      this.active--;
    }
  }
}

/**
 * One limiter per endpoint for the whole app: the scout, the distiller and the CLI all talk to the
 * same local server, which falls over if each of them opens its own four connections.
 */
const registry = new Map<string, Limiter>();

export function limiterFor(baseURL: string, concurrency: number): Limiter {
  const key = baseURL.replace(/\/+$/, '');
  let limiter = registry.get(key);
  if (!limiter) {
    limiter = new Limiter(concurrency);
    registry.set(key, limiter);
  } else {
    // The latest settings win, so changing the setting takes effect without a restart.
    limiter.max = concurrency;
  }
  return limiter;
}
