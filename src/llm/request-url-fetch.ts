import { abortError, raceAbort } from '../core/abort';

/** The shape of Obsidian's `requestUrl`, taken as a parameter so this layer never imports 'obsidian'. */
export interface RequestUrlParamsLike {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | ArrayBuffer;
  contentType?: string;
  throw?: boolean;
}

export interface RequestUrlResponseLike {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export type RequestUrlLike = (params: RequestUrlParamsLike) => Promise<RequestUrlResponseLike>;

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch over Obsidian's requestUrl, which is not bound by CORS (local servers rarely send CORS
 * headers) and works on mobile. It cannot stream or be aborted, so an abort rejects at once and
 * the late answer is dropped.
 */
export function makeRequestUrlFetch(requestUrl: RequestUrlLike): typeof fetch {
  const adapted = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const url = isRequest ? input.url : input instanceof URL ? input.href : (input as string);
    const method = (init.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? (isRequest ? input.headers : undefined)).forEach((value, name) => {
      // requestUrl sets these itself and some platforms refuse them when given.
      if (name === 'content-length' || name === 'host' || name === 'connection') return;
      headers[name] = value;
    });
    let body: string | ArrayBuffer | undefined;
    const raw: BodyInit | null | undefined =
      init.body ?? (isRequest && method !== 'GET' && method !== 'HEAD' ? await input.arrayBuffer() : undefined);
    if (typeof raw === 'string' || raw instanceof ArrayBuffer) body = raw;
    else if (raw !== undefined && raw !== null) body = await new Response(raw).arrayBuffer();

    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    // Like fetch, a transport failure is a TypeError.
    const pending = requestUrl({ url, method, headers, body, contentType: headers['content-type'], throw: false }).catch((e: unknown) => {
      throw e instanceof Error ? e : new TypeError(String(e));
    });
    const res = await (signal ? raceAbort(pending, signal) : pending);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers ?? {})) responseHeaders.set(name, value);
    return new Response(NULL_BODY_STATUSES.has(res.status) ? null : res.text, {
      status: res.status,
      headers: responseHeaders,
    });
  };
  return adapted;
}
