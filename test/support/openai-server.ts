/**
 * An OpenAI-compatible HTTP server on loopback for tests: scripted replies, fault modes, and a
 * record of what it saw (requests, connections, requests in flight), so tests drive the real
 * `openai` client end to end and assert on behaviour rather than on time.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequestBody | null;
  rawBody: string;
  /** Which connection carried it, to match against `connectionEvents`. */
  socketId: number;
}

/** One scripted answer. Without a fault it is a normal completion with `content`. */
export interface Reply {
  content?: string;
  /** Shorthand: JSON.stringify'd into content. */
  json?: unknown;
  finish_reason?: 'stop' | 'length' | 'content_filter';
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  model?: string;
  delayMs?: number;
  /** An HTTP error instead of a completion. */
  status?: number;
  errorMessage?: string;
  headers?: Record<string, string>;
  /** Never answer; the socket stays open until the client gives up. */
  hang?: boolean;
  /** Send headers and half a body, then cut the connection. */
  truncate?: boolean;
  /** Reply with a raw body as is (for not-JSON responses). */
  rawBody?: string;
  /** Content type of `rawBody` (application/json when unset). */
  contentType?: string;
  /** Send headers, then one byte of a body every `trickleMs`, for ever (until the client goes). */
  trickleMs?: number;
  /** Send headers, then a body without end as fast as the client reads it. */
  endless?: boolean;
}

export type Handler = (body: ChatRequestBody, req: RecordedRequest) => Reply | Promise<Reply>;

export interface OpenAiServerOptions {
  models?: string[];
  /** Status for GET /models instead of the list (401, 404, …). */
  modelsStatus?: number;
  /** Require this bearer key on every request (401 otherwise). */
  requireKey?: string;
  /** Answer 400 naming response_format to any json_schema request. */
  refuseJsonSchema?: boolean;
  /** Used when the queue is empty. */
  handler?: Handler;
}

const socketIds = new WeakMap<Socket, number>();

export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly connectionEvents: Array<{ type: 'open' | 'close'; id: number }> = [];
  inFlight = 0;
  peakInFlight = 0;
  /** Body bytes the last trickling or endless reply wrote. */
  bodyBytesSent = 0;
  /** Chat requests whose connection closed before the server answered. */
  abortedRequests = 0;
  private readonly queue: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private nextSocketId = 0;
  private openSockets = 0;

  constructor(public options: OpenAiServerOptions = {}) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      const id = ++this.nextSocketId;
      socketIds.set(socket, id);
      this.sockets.add(socket);
      this.openSockets++;
      this.connectionEvents.push({ type: 'open', id });
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.openSockets--;
        this.connectionEvents.push({ type: 'close', id });
      });
    });
  }

  static async start(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
    const s = new OpenAiTestServer(options);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The base URL to give the client, ending in /v1. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  get openConnections(): number {
    return this.openSockets;
  }

  /** Whether the connection that carried this request has closed. */
  closed(request: RecordedRequest): boolean {
    return this.connectionEvents.some((e) => e.type === 'close' && e.id === request.socketId);
  }

  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  enqueue(...replies: Reply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: ChatRequestBody | null = null;
    try {
      body = rawBody ? (JSON.parse(rawBody) as ChatRequestBody) : null;
    } catch {
      body = null;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const socketId = socketIds.get(req.socket) ?? 0;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, rawBody, socketId };
    this.requests.push(recorded);

    if (this.options.requireKey && req.headers.authorization !== `Bearer ${this.options.requireKey}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      if (this.options.modelsStatus) return sendJson(res, this.options.modelsStatus, { error: { message: 'nope' } });
      const models = this.options.models ?? ['test-model'];
      return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'test' })) });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions' || !body) {
      return sendJson(res, 404, { error: { message: `No route ${req.method} ${path}` } });
    }

    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let answered = false;
    res.on('close', () => {
      this.inFlight--;
      if (!answered) this.abortedRequests++;
    });
    const finish = (): void => {
      answered = true;
    };

    if (this.options.refuseJsonSchema && body.response_format?.type === 'json_schema') {
      finish();
      return sendJson(res, 400, {
        error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported by this server.", type: 'invalid_request_error', param: 'response_format' },
      });
    }

    const reply = this.queue.shift() ?? (await this.options.handler?.(body, recorded)) ?? { content: '{}' };
    if (reply.hang) return; // the client's timeout or abort ends it
    if (reply.delayMs) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
    }
    if (reply.truncate) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"chatcmpl-cut","object":"chat.completion","choi');
      req.socket.destroy();
      return;
    }
    if (reply.trickleMs !== undefined || reply.endless) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-slow","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
      this.bodyBytesSent = 0;
      const chunk = reply.endless ? 'x'.repeat(64 * 1024) : 'x';
      const pump = (): void => {
        if (res.destroyed) return;
        this.bodyBytesSent += chunk.length;
        if (reply.endless) {
          // Backpressure: write again only when the client has read what was sent.
          if (res.write(chunk)) setImmediate(pump);
          else res.once('drain', pump);
        } else {
          res.write(chunk);
          setTimeout(pump, reply.trickleMs);
        }
      };
      pump();
      return;
    }
    finish();
    if (reply.rawBody !== undefined) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    if (reply.status && reply.status >= 400) {
      return sendJson(res, reply.status, { error: { message: reply.errorMessage ?? `Scripted error ${reply.status}`, type: 'server_error' } }, reply.headers);
    }
    const content = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.content ?? '');
    const usage =
      reply.usage === null
        ? undefined
        : (reply.usage ?? { prompt_tokens: Math.ceil(rawBody.length / 4), completion_tokens: Math.ceil(content.length / 4) });
    sendJson(
      res,
      200,
      {
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: reply.model ?? body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: reply.finish_reason ?? 'stop', logprobs: null }],
        ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
      },
      reply.headers,
    );
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

/** A port with nothing listening, for connection-refused tests. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
