/**
 * A small web server on loopback for the sources tests: routes registered per test (pages,
 * text, images, errors, hanging and huge bodies, redirects, a SearXNG-style search), and a
 * record of every request's headers so a test can prove no credential was sent.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedWebRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface RouteSpec {
  status?: number;
  /** Content-Type; omitted when null. */
  type?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  hang?: boolean;
  /** Send headers and a first chunk, then never finish the body. */
  hangBody?: boolean;
  /** Stream this many bytes of 'x' in 64 kB chunks, without a Content-Length. */
  streamBytes?: number;
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

export interface WebServer {
  url: string;
  /** `url` + path. */
  at(path: string): string;
  route(path: string, spec: RouteSpec | RouteHandler): void;
  requests: RecordedWebRequest[];
  /** Bytes written by streamed routes, to show a capped read stopped early. */
  streamedBytes: Map<string, number>;
  close(): Promise<void>;
}

export async function startWebServer(): Promise<WebServer> {
  const routes = new Map<string, RouteSpec | RouteHandler>();
  const requests: RecordedWebRequest[] = [];
  const streamedBytes = new Map<string, number>();
  const sockets = new Set<Socket>();

  const serve = (spec: RouteSpec, res: http.ServerResponse, path: string): void => {
    if (spec.hang) return;
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    if (spec.type !== null) headers['content-type'] = spec.type ?? 'text/html; charset=utf-8';
    if (spec.streamBytes !== undefined) {
      res.writeHead(spec.status ?? 200, headers);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = (): void => {
        while (sent < spec.streamBytes! && !res.destroyed) {
          sent += chunk.length;
          streamedBytes.set(path, sent);
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
      return;
    }
    const body = spec.body ?? '';
    if (spec.hangBody) {
      res.writeHead(spec.status ?? 200, headers);
      res.write(body);
      return;
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(spec.status ?? 200, headers);
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers });
    const route = routes.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (typeof route === 'function') route(req, res, url);
    else serve(route, res, url.pathname);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    at: (path) => `${base}${path}`,
    route: (path, spec) => void routes.set(path, spec),
    requests,
    streamedBytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A SearXNG-style JSON answer for `/search?q=…&format=json`. */
export function searxAnswer(results: Array<{ url: string; title?: string; content?: string }>): RouteHandler {
  return (_req, res, url) => {
    if (url.searchParams.get('format') !== 'json') {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('format not allowed');
      return;
    }
    const body = JSON.stringify({ query: url.searchParams.get('q'), results });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };
}
