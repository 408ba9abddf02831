import { raceAbort } from '../core/abort';
import { GroundworkError } from '../core/errors';

/**
 * Reading an answer's body with a size cap, so a server that sends without end costs a clear
 * error, not the memory of the machine. Shared by the model transport and page fetches.
 */

/** The body passed its cap; reading stopped there. */
export class BodyTooLarge extends GroundworkError {
  constructor(readonly maxBytes: number) {
    super(`larger than ${formatBytes(maxBytes)}`);
    this.name = 'BodyTooLarge';
  }
}

export function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10} MB`;
  if (n >= 1_000) return `${Math.round(n / 100) / 10} kB`;
  return `${n} bytes`;
}

/** Reads the body, stopping as soon as it passes `maxBytes` rather than after the whole download. */
export async function readCappedBody(res: Response, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    void res.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(maxBytes);
  }
  const reader = res.body?.getReader?.();
  if (!reader) {
    // No stream (Obsidian's requestUrl hands the whole body at once): the cap after the fact is all there is.
    const whole = res.arrayBuffer();
    const buf = new Uint8Array(await (signal ? raceAbort(whole, signal) : whole));
    if (buf.byteLength > maxBytes) throw new BodyTooLarge(maxBytes);
    return buf;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = reader.read();
      const { done, value } = await (signal ? raceAbort(next, signal) : next);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw err;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch whose answer is read whole, under the request's own signal and a size cap, before it
 * is handed on. The openai SDK stops its timeout once headers arrive; since this fetch resolves
 * only after the last byte, the SDK's timeout then bounds the call from request to last byte.
 */
export function boundedFetch(base: typeof fetch, maxBytes: number): typeof fetch {
  const bounded = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await base(input, init);
    const signal = init?.signal ?? undefined;
    if (NULL_BODY_STATUSES.has(res.status)) return res;
    const bytes = await readCappedBody(res, maxBytes, signal);
    const headers = new Headers(res.headers);
    // The bytes are already decoded and counted; stale length or encoding headers would mislead a reader.
    headers.delete('content-encoding');
    headers.set('content-length', String(bytes.byteLength));
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers });
  };
  return bounded;
}
