/** Obsidian's free functions: paths, YAML, debounce, requestUrl, platform, version, small parsers. */
import * as http from 'node:http';
import * as https from 'node:https';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import type { CachedMetadata, RequestUrlParam, RequestUrlResponse, SearchResult } from 'obsidian';

export const apiVersion = '1.12.3';

function versionParts(v: string): number[] {
  return v.split('.').map((p) => Number.parseInt(p, 10) || 0);
}

/** True when the running API version is at least `version`. */
export function requireApiVersion(version: string): boolean {
  const have = versionParts(apiVersion);
  const want = versionParts(version);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** Like Obsidian: collapses slashes (and backslashes), trims them at both ends, NFC; "" becomes "/". */
export function normalizePath(path: string): string {
  let p = path.replace(/[\u00A0\u202F]/g, ' ');
  p = p.replace(/([\\/])+/g, '/').replace(/(^\/+|\/+$)/g, '');
  if (p === '') p = '/';
  return p.normalize('NFC');
}

export interface Debouncer<T extends unknown[], V> {
  (...args: [...T]): this;
  cancel(): this;
  run(): V | void;
}

/** Obsidian's debounce: trailing call after `timeout` ms; `resetTimer` restarts the wait on each call. */
export function debounce<T extends unknown[], V>(cb: (...args: [...T]) => V, timeout = 0, resetTimer = false): Debouncer<T, V> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: T | null = null;
  const fire = (): V | void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (lastArgs === null) return;
    const args = lastArgs;
    lastArgs = null;
    return cb(...args);
  };
  const debounced = function (...args: [...T]) {
    lastArgs = args;
    if (timer !== null && resetTimer) {
      clearTimeout(timer);
      timer = null;
    }
    if (timer === null) timer = setTimeout(() => void fire(), timeout);
    return debounced;
  } as Debouncer<T, V>;
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
    return debounced;
  };
  debounced.run = () => fire();
  return debounced;
}

const platform = typeof process !== 'undefined' ? process.platform : 'linux';
export const Platform = {
  isDesktop: true,
  isMobile: false,
  isDesktopApp: true,
  isMobileApp: false,
  isIosApp: false,
  isAndroidApp: false,
  isPhone: false,
  isTablet: false,
  isMacOS: platform === 'darwin',
  isWin: platform === 'win32',
  isLinux: platform === 'linux',
  isSafari: false,
  resourcePathPrefix: 'app://local/',
};

export function parseYaml(yaml: string): any {
  return yamlParse(yaml);
}

export function stringifyYaml(obj: any): string {
  return yamlStringify(obj, { lineWidth: 0 });
}

/** "note#heading" → "note". */
export function getLinkpath(linktext: string): string {
  return parseLinktext(linktext).path;
}

export function parseLinktext(linktext: string): { path: string; subpath: string } {
  const i = linktext.indexOf('#');
  if (i < 0) return { path: linktext, subpath: '' };
  return { path: linktext.slice(0, i), subpath: linktext.slice(i) };
}

export function stripHeading(heading: string): string {
  return heading.replace(/[!"#$%&()*+,.:;<=>?@^`{|}~/[\]\\]/g, ' ').replace(/\s+/g, ' ').trim();
}

export function stripHeadingForLink(heading: string): string {
  return heading.replace(/[#|^\\%[\]:]/g, ' ').replace(/\s+/g, ' ').trim();
}

export interface FrontMatterInfo {
  exists: boolean;
  frontmatter: string;
  from: number;
  to: number;
  contentStart: number;
}

/** Where the frontmatter block is: `---` on the first line, closed by a line `---`. */
export function getFrontMatterInfo(content: string): FrontMatterInfo {
  const open = /^---[ \t]*\r?\n/.exec(content);
  const none = { exists: false, frontmatter: '', from: 0, to: 0, contentStart: 0 };
  if (!open) return none;
  const from = open[0].length;
  const close = /(^|\n)---[ \t]*(\r?\n|$)/g;
  close.lastIndex = from - 1;
  let m: RegExpExecArray | null;
  while ((m = close.exec(content))) {
    const lineStart = m.index + m[1]!.length;
    if (lineStart < from) continue;
    return {
      exists: true,
      frontmatter: content.slice(from, lineStart),
      from,
      to: lineStart,
      contentStart: m.index + m[0].length,
    };
  }
  return none;
}

export function parseFrontMatterEntry(frontmatter: any, key: string | RegExp): any {
  if (!frontmatter || typeof frontmatter !== 'object') return null;
  for (const [k, v] of Object.entries(frontmatter as Record<string, unknown>)) {
    if (typeof key === 'string' ? k === key : key.test(k)) return v;
  }
  return null;
}

export function parseFrontMatterStringArray(frontmatter: any, key: string | RegExp): string[] | null {
  const v = parseFrontMatterEntry(frontmatter, key);
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(/[,\s]+/).filter((s) => s.length > 0);
  return null;
}

export function parseFrontMatterTags(frontmatter: any): string[] | null {
  const tags = parseFrontMatterStringArray(frontmatter, /^tags?$/i);
  return tags ? tags.map((t) => (t.startsWith('#') ? t : `#${t}`)) : null;
}

export function parseFrontMatterAliases(frontmatter: any): string[] | null {
  return parseFrontMatterStringArray(frontmatter, /^alias(es)?$/i);
}

/** Frontmatter tags, then body tags, each with its '#'. */
export function getAllTags(cache: CachedMetadata): string[] | null {
  const tags = [...(parseFrontMatterTags(cache.frontmatter) ?? []), ...(cache.tags ?? []).map((t) => t.tag)];
  return tags;
}

export function arrayBufferToBase64(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('base64');
}

export function base64ToArrayBuffer(base64: string): ArrayBuffer {
  const b = Buffer.from(base64, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

export function arrayBufferToHex(data: ArrayBuffer): string {
  return Buffer.from(data).toString('hex');
}

export function hexToArrayBuffer(hex: string): ArrayBuffer {
  const b = Buffer.from(hex, 'hex');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

/** Case-insensitive subsequence match, scored higher for tighter matches. */
export function prepareFuzzySearch(query: string): (text: string) => SearchResult | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  return (text: string) => {
    if (q === '') return { score: 0, matches: [] };
    const t = text.toLowerCase();
    const matches: [number, number][] = [];
    let ti = 0;
    for (const ch of q) {
      const found = t.indexOf(ch, ti);
      if (found < 0) return null;
      const last = matches[matches.length - 1];
      if (last && last[1] === found) last[1] = found + 1;
      else matches.push([found, found + 1]);
      ti = found + 1;
    }
    return { score: -matches.length - (matches[0]?.[0] ?? 0) / 100, matches };
  };
}

/** Every space-separated word must occur (case-insensitive). */
export function prepareSimpleSearch(query: string): (text: string) => SearchResult | null {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  return (text: string) => {
    const t = text.toLowerCase();
    const matches: [number, number][] = [];
    for (const w of words) {
      const i = t.indexOf(w);
      if (i < 0) return null;
      matches.push([i, i + w.length]);
    }
    return { score: 0, matches };
  };
}

export interface RequestUrlResponsePromise extends Promise<RequestUrlResponse> {
  arrayBuffer: Promise<ArrayBuffer>;
  json: Promise<any>;
  text: Promise<string>;
}

/** Every requestUrl call, for tests. */
export const requestLog: RequestUrlParam[] = [];

/**
 * What Obsidian's requestUrl (Chromium's network stack) rejects with when the connection fails: a
 * plain Error whose message is Chromium's net error name, with no `code` — not Node's
 * `connect ECONNREFUSED 127.0.0.1:9` and its `code`. Code that reads the Node code alone never
 * recognises a refused connection in Obsidian.
 */
export function chromiumNetError(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const name =
    code === 'ECONNREFUSED'
      ? 'ERR_CONNECTION_REFUSED'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'ERR_NAME_NOT_RESOLVED'
        : code === 'ECONNRESET'
          ? 'ERR_CONNECTION_RESET'
          : code === 'ETIMEDOUT'
            ? 'ERR_CONNECTION_TIMED_OUT'
            : 'ERR_FAILED';
  return new Error(`net::${name}`);
}

/**
 * HTTP over node:http/https. (Under happy-dom the global fetch is happy-dom's, which enforces CORS;
 * Obsidian's requestUrl does not, so the shim goes below it.)
 */
function nodeFetch(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | ArrayBuffer | undefined,
): Promise<{ status: number; headers: Record<string, string>; body: ArrayBuffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!mod) {
      reject(new Error(`Unsupported protocol: ${u.protocol}`));
      return;
    }
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    const req = mod.request(u, { method, headers: payload ? { 'Content-Length': String(payload.length), ...headers } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, body: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) });
      });
    });
    req.on('error', (err) => reject(chromiumNetError(err)));
    if (payload) req.write(payload);
    req.end();
  });
}

async function doRequest(request: RequestUrlParam): Promise<RequestUrlResponse> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = request.contentType;
  }
  const res = await nodeFetch(request.url, request.method ?? 'GET', headers, request.body);
  const buf = res.body;
  const resHeaders = res.headers;
  const text = new TextDecoder().decode(buf);
  const response: RequestUrlResponse = {
    status: res.status,
    headers: resHeaders,
    arrayBuffer: buf,
    text,
    get json(): any {
      return JSON.parse(text);
    },
  };
  if (res.status >= 400 && request.throw !== false) {
    const err = new Error(`Request failed, status ${res.status}`) as Error & Partial<RequestUrlResponse>;
    err.status = res.status;
    err.headers = resHeaders;
    Object.defineProperty(err, 'text', { value: text });
    Object.defineProperty(err, 'json', { get: () => JSON.parse(text) });
    throw err;
  }
  return response;
}

/** Obsidian's requestUrl over node:http(s), no CORS: throws on status >= 400 unless `throw: false`. */
export function requestUrl(request: RequestUrlParam | string): RequestUrlResponsePromise {
  const params: RequestUrlParam = typeof request === 'string' ? { url: request } : request;
  requestLog.push(params);
  const p = doRequest(params) as RequestUrlResponsePromise;
  void Object.defineProperty(p, 'arrayBuffer', { get: () => p.then((r) => r.arrayBuffer) });
  void Object.defineProperty(p, 'json', { get: () => p.then((r) => r.json) });
  void Object.defineProperty(p, 'text', { get: () => p.then((r) => r.text) });
  return p;
}

export async function request(req: RequestUrlParam | string): Promise<string> {
  return (await requestUrl(req)).text;
}
