import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { DataFolder } from '../vault/port';
import { cacheKey, ResponseCache, type CachedResponse } from './cache';
import { formatSeconds, isAbortError, joinSignals } from '../core/abort';
import { cleanModelText } from '../core/hostile-text';
import { BodyTooLarge, boundedFetch, formatBytes } from './bounded-body';
import { LlmCancelled, LlmError, type LlmRole } from './errors';
import { limiterFor } from './limiter';
import { estimateMessagesTokens, estimateTokens } from '../core/tokens';
import {
  checkBaseURL,
  contextTokensFor,
  DEFAULT_BACKOFF,
  DEFAULT_CACHE_LIMITS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ANSWER_BYTES,
  DEFAULT_TEMPERATURE,
  modelFor,
  type LlmBudget,
  type LlmConfig,
} from './presets';
import { backoffMs, MAX_RETRY_AFTER_MS, retryAfterMs, sleep } from './retry';
import { parseStructured, repairInstruction, schemaInstruction, toStrictJsonSchema, type AnySchema } from './structured';
import { costOf, RunUsage, type CallUsage } from './usage';

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest<T> {
  role: LlmRole;
  schema: AnySchema<T>;
  /** Names the schema for the server and the cache; letters, digits, '_' and '-' only. */
  schemaName: string;
  messages: LlmMessage[];
  signal?: AbortSignal;
  temperature?: number;
  /** The longest answer wanted, in tokens; sent as `max_tokens`, lowered if the window is short. */
  maxTokens?: number;
  /**
   * The JSON schema sent for decoding when it should be tighter than `schema` (the real ids as an
   * enum, `maxItems`): the server constrains the model with it while zod validates leniently.
   */
  decodeSchema?: Record<string, unknown>;
  /** The fence nonce in the prompt: left out of the cache key, so a fresh nonce still hits. */
  nonce?: string;
}

export interface TextRequest {
  role: LlmRole;
  messages: LlmMessage[];
  signal?: AbortSignal;
  temperature?: number;
  maxTokens?: number;
  nonce?: string;
}

export interface StructuredResult<T> {
  data: T;
  usage: CallUsage;
  model: string;
  cached: boolean;
}

export interface TextResult {
  text: string;
  /** The model stopped at its token limit; the text is incomplete. */
  truncated: boolean;
  usage: CallUsage;
  model: string;
  cached: boolean;
}

export interface RetryInfo {
  role: LlmRole;
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  reason: string;
  /** True when the delay came from the server's retry-after header. */
  serverAsked: boolean;
}

export interface LlmClientOptions {
  /** Where the response cache lives; without it nothing is cached. */
  dataFolder?: DataFolder;
  /** Ends every in-flight and queued call of this run. */
  signal?: AbortSignal;
  usage?: RunUsage;
  onRetry?: (info: RetryInfo) => void;
}

export type ResponseFormatMode = 'json_schema' | 'json_object';

/**
 * Endpoints known to refuse `json_schema`, so each run does not pay a refused request first.
 * Module-level on purpose: every client of that base URL benefits.
 */
const refusedJsonSchema = new Set<string>();

export function responseFormatFor(baseURL: string): ResponseFormatMode {
  return refusedJsonSchema.has(endpointKey(baseURL)) ? 'json_object' : 'json_schema';
}

function endpointKey(baseURL: string): string {
  return baseURL.replace(/\/+$/, '');
}

/** How much of a bad answer to quote back in the repair call; enough to fix it, not to pay twice. */
const MAX_QUOTED_CHARS = 6000;

/** The request field every OpenAI-compatible server reads (the SDK marks it deprecated for OpenAI's own reasoning models). */
const MAX_TOKENS = 'max_tokens';

/** The answer length asked for when a caller names none. */
export const DEFAULT_MAX_TOKENS = 1024;
/** Below this much room for the answer a call is not worth sending: it would be cut off. */
const MIN_ANSWER_TOKENS = 256;
/** A usage count under this share of the estimate means the server dropped part of the prompt. */
const TRUNCATION_RATIO = 0.5;

/** Room kept free in the window for what the estimate misses (chat template, a tokenizer that splits finer). */
export function safetyMargin(window: number): number {
  return Math.max(64, Math.ceil(window * 0.04));
}

/**
 * Parameters a model refused (reasoning models take no `temperature` and want
 * `max_completion_tokens`), learnt per endpoint and model so each run pays one refusal at most.
 */
const refusedParams = new Map<string, Set<'temperature' | 'max_tokens'>>();

/** Every model call of the app goes through here: one instance per run. */
export class LlmClient {
  readonly usage: RunUsage;
  private readonly openai: OpenAI;
  private readonly cache: ResponseCache | null;
  private readonly signal?: AbortSignal;

  constructor(
    readonly config: LlmConfig,
    private readonly options: LlmClientOptions = {},
    sharedCache?: ResponseCache | null,
  ) {
    checkBaseURL(config.baseURL);
    this.usage = options.usage ?? new RunUsage(config.budget);
    this.signal = options.signal;
    this.cache =
      sharedCache !== undefined
        ? sharedCache
        : config.cache && options.dataFolder
          ? new ResponseCache(options.dataFolder, config.cacheLimits ?? DEFAULT_CACHE_LIMITS)
          : null;
    this.openai = new OpenAI({
      baseURL: config.baseURL,
      // Local servers take no key; the SDK insists on one, so the header is dropped below instead.
      apiKey: config.apiKey || 'none',
      defaultHeaders: config.apiKey ? undefined : { Authorization: null },
      maxRetries: 0,
      timeout: config.timeoutMs,
      // Read whole under the SDK's signal, so its timeout runs to the answer's last byte, and capped in size.
      fetch: boundedFetch(config.fetch ?? ((input, init) => globalThis.fetch(input, init)), config.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES),
      dangerouslyAllowBrowser: config.dangerouslyAllowBrowser,
    });
  }

  /** A client for a new run: fresh usage and budget, its own cancel signal, the same cache. */
  startRun(opts: { signal?: AbortSignal; budget?: LlmBudget; onRetry?: LlmClientOptions['onRetry'] } = {}): LlmClient {
    return new LlmClient(
      this.config,
      {
        ...this.options,
        signal: opts.signal,
        usage: new RunUsage(opts.budget ?? this.config.budget),
        onRetry: opts.onRetry ?? this.options.onRetry,
      },
      this.cache,
    );
  }

  modelFor(role: LlmRole): string {
    return modelFor(this.config, role);
  }

  /** The context window this role's model is planned with. */
  contextWindow(role: LlmRole): number {
    return contextTokensFor(this.config, role);
  }

  /** Tokens a prompt for this role may take when its answer may take `answerTokens`. */
  promptRoom(role: LlmRole, answerTokens: number): number {
    const window = this.contextWindow(role);
    return window - Math.min(answerTokens, window) - safetyMargin(window);
  }

  async structured<T>(req: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const { role, schema, schemaName } = req;
    const model = this.modelFor(role);
    const signal = joinSignals(this.signal, req.signal);
    const jsonSchema = req.decodeSchema ?? toStrictJsonSchema(schema);
    const key = this.cache
      ? cacheKey({ model, messages: withoutNonce(req.messages, req.nonce), responseFormat: 'json_schema', schemaName, jsonSchema })
      : null;

    let settle: (entry: CachedResponse | null) => void = () => undefined;
    if (this.cache && key) {
      const begun = await this.cache.begin(key);
      settle = begun.settle;
      const parsed = begun.hit ? parseStructured(schema, this.clean(begun.hit.content), this.clean) : null;
      if (begun.hit && parsed?.ok) {
        this.usage.recordCacheHit(role);
        return { data: parsed.data, usage: zeroUsage(), model: this.clean(begun.hit.model) || model, cached: true };
      }
    }
    try {
      return await this.structuredFresh(req, model, signal, jsonSchema, key, settle);
    } finally {
      settle(null);
    }
  }

  private async structuredFresh<T>(
    req: StructuredRequest<T>,
    model: string,
    signal: AbortSignal | undefined,
    jsonSchema: Record<string, unknown>,
    key: string | null,
    settle: (entry: CachedResponse | null) => void,
  ): Promise<StructuredResult<T>> {
    const { role, schema, schemaName } = req;

    const acc = zeroUsage();
    let mode = responseFormatFor(this.config.baseURL);
    const bodyFor = (messages: LlmMessage[]): ChatCompletionCreateParamsNonStreaming => ({
      model,
      messages: mode === 'json_object' ? withSchemaInstruction(messages, schemaName, jsonSchema) : messages,
      response_format:
        mode === 'json_schema'
          ? { type: 'json_schema', json_schema: { name: schemaName, strict: true, schema: jsonSchema } }
          : { type: 'json_object' },
      temperature: req.temperature ?? this.config.temperature ?? DEFAULT_TEMPERATURE,
    });
    const wanted = req.maxTokens ?? DEFAULT_MAX_TOKENS;

    const send = async (messages: LlmMessage[]): Promise<ChatCompletion> => {
      try {
        return await this.request(role, bodyFor(messages), signal, acc, wanted);
      } catch (err) {
        if (mode === 'json_schema' && refusesJsonSchema(err)) {
          refusedJsonSchema.add(endpointKey(this.config.baseURL));
          mode = 'json_object';
          return await this.request(role, bodyFor(messages), signal, acc, wanted);
        }
        throw err;
      }
    };

    let completion = await send(req.messages);
    let answer = this.readAnswer(completion);
    let outcome = judge(schema, answer, this.clean);
    if (!outcome.ok) {
      const repairMessages: LlmMessage[] = [
        ...req.messages,
        { role: 'assistant', content: quote(answer.content, this.quoteRoom(role, req.messages, wanted)) },
        { role: 'user', content: repairInstruction(outcome.problem, answer.truncated) },
      ];
      completion = await send(repairMessages);
      answer = this.readAnswer(completion);
      const second = judge(schema, answer, this.clean);
      if (!second.ok) {
        throw new LlmError(
          'invalid-output',
          `The ${role} agent's answer could not be used: ${second.problem}. A repair attempt (after: ${outcome.problem}) failed too. Run it again, or choose a model that follows JSON schemas.`,
          { role },
        );
      }
      outcome = second;
    }

    if (key) await this.store(key, answer.content, answer.model || model, acc, settle);
    return { data: outcome.data, usage: acc, model: answer.model || model, cached: false };
  }

  async text(req: TextRequest): Promise<TextResult> {
    const { role } = req;
    const model = this.modelFor(role);
    const signal = joinSignals(this.signal, req.signal);
    const key = this.cache ? cacheKey({ model, messages: withoutNonce(req.messages, req.nonce), responseFormat: 'text' }) : null;
    let settle: (entry: CachedResponse | null) => void = () => undefined;
    if (this.cache && key) {
      const begun = await this.cache.begin(key);
      settle = begun.settle;
      if (begun.hit) {
        this.usage.recordCacheHit(role);
        return { text: this.clean(begun.hit.content), truncated: false, usage: zeroUsage(), model: this.clean(begun.hit.model) || model, cached: true };
      }
    }
    try {
      return await this.textFresh(req, model, signal, key, settle);
    } finally {
      settle(null);
    }
  }

  private async textFresh(
    req: TextRequest,
    model: string,
    signal: AbortSignal | undefined,
    key: string | null,
    settle: (entry: CachedResponse | null) => void,
  ): Promise<TextResult> {
    const { role } = req;
    const acc = zeroUsage();
    const completion = await this.request(
      role,
      { model, messages: req.messages, temperature: req.temperature ?? this.config.temperature ?? DEFAULT_TEMPERATURE },
      signal,
      acc,
      req.maxTokens ?? DEFAULT_MAX_TOKENS,
    );
    const answer = this.readAnswer(completion);
    // A cut-off answer is not worth keeping: the next identical call should get a fresh chance.
    if (key && !answer.truncated) await this.store(key, answer.content, answer.model || model, acc, settle);
    return { text: answer.content, truncated: answer.truncated, usage: acc, model: answer.model || model, cached: false };
  }

  /**
   * Every text of a model's answer is hostile: control characters (NUL, ANSI escapes) would land
   * in notes, and a server may echo the API key. Cleaned here, before anything uses or stores it.
   */
  private readonly clean = (text: string): string => cleanModelText(text, this.config.apiKey);

  private readAnswer(completion: ChatCompletion): Answer {
    const choice = completion.choices[0];
    return {
      content: this.clean(choice?.message?.content ?? ''),
      truncated: choice?.finish_reason === 'length',
      refusal: choice?.message?.refusal ? this.clean(choice.message.refusal) : null,
      model: typeof completion.model === 'string' ? this.clean(completion.model) : '',
    };
  }

  /** Keeps a paid answer, and hands it to identical calls waiting on this one. */
  private async store(key: string, content: string, model: string, acc: CallUsage, settle: (entry: CachedResponse | null) => void): Promise<void> {
    if (!this.cache) return;
    const entry = { content, model, promptTokens: acc.promptTokens, completionTokens: acc.completionTokens };
    settle(entry);
    await this.cache.put(key, entry);
  }

  /** Characters of a bad answer the repair call can quote and still fit the window. */
  private quoteRoom(role: LlmRole, messages: LlmMessage[], wanted: number): number {
    const spare = this.promptRoom(role, wanted) - estimateMessagesTokens(messages) - 200;
    // Quoted answers are JSON: about 3 characters a token.
    return Math.max(0, Math.min(MAX_QUOTED_CHARS, spare * 3));
  }

  /**
   * Sets `max_tokens` so that the prompt estimate plus the answer fit the window; refuses, saying
   * what to change, a prompt that leaves no room for an answer (agents split their input before
   * this happens, so it means the window is set too small for even one piece).
   */
  private fit(role: LlmRole, body: ChatCompletionCreateParamsNonStreaming, wanted: number): { body: ChatCompletionCreateParamsNonStreaming; estimate: number } {
    const window = this.contextWindow(role);
    const estimate = estimateMessagesTokens(body.messages as LlmMessage[]);
    const room = window - estimate - safetyMargin(window);
    const maxTokens = Math.min(wanted, room);
    if (maxTokens < Math.min(wanted, MIN_ANSWER_TOKENS)) {
      throw new LlmError(
        'context',
        `The ${role} agent's prompt is about ${estimate} tokens, too long for a ${window}-token context window with room for an answer. ` +
          `Raise "Context window (tokens)" (--context-tokens or GROUNDWORK_CONTEXT_TOKENS) to what the model supports, or choose a model with a larger window.`,
        { role },
      );
    }
    // `max_tokens`, not its newer name: Ollama, LM Studio and vLLM read this one; models that want the new name get it in adapt().
    const sized: Record<string, unknown> = { ...body, [MAX_TOKENS]: maxTokens };
    return { body: sized as unknown as ChatCompletionCreateParamsNonStreaming, estimate };
  }

  /** The body as this endpoint and model accept it (parameters it refused before are renamed or left out). */
  private adapt(body: ChatCompletionCreateParamsNonStreaming): ChatCompletionCreateParamsNonStreaming {
    const refused = refusedParams.get(paramKey(this.config.baseURL, body.model));
    if (!refused) return body;
    const out: Record<string, unknown> = { ...body };
    if (refused.has('temperature')) delete out.temperature;
    if (refused.has('max_tokens') && out[MAX_TOKENS] != null) {
      out.max_completion_tokens = out[MAX_TOKENS];
      delete out[MAX_TOKENS];
    }
    return out as unknown as ChatCompletionCreateParamsNonStreaming;
  }

  /** One chat completion with budget, concurrency, retries, timeout and cancellation applied. */
  private async request(
    role: LlmRole,
    unfitted: ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
    acc: CallUsage,
    wanted: number,
  ): Promise<ChatCompletion> {
    const { body, estimate } = this.fit(role, unfitted, wanted);
    const { baseURL, maxRetries, timeoutMs } = this.config;
    const backoff = this.config.backoff ?? DEFAULT_BACKOFF;
    const limiter = limiterFor(baseURL, this.config.concurrency ?? DEFAULT_CONCURRENCY);
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw new LlmCancelled(`Cancelled: the ${role} agent's call was stopped.`, { role });
      this.usage.checkBudget(role);
      const release = await limiter.acquire(signal);
      let failure: LlmError | undefined;
      let delay: number | null = null;
      let completion: ChatCompletion | undefined;
      try {
        const answered: unknown = await this.openai.chat.completions.create(this.adapt(body), { signal, timeout: timeoutMs, maxRetries: 0 });
        completion = this.asCompletion(answered, role);
        this.account(role, body.model, completion, body, acc);
      } catch (err) {
        if (signal?.aborted || isAbortError(err)) {
          throw new LlmCancelled(`Cancelled: the ${role} agent's call was stopped.`, { role });
        }
        const param = refusedParam(err);
        const key = paramKey(baseURL, body.model);
        if (param && !refusedParams.get(key)?.has(param)) {
          // Not a failure of the server: the same request, without what this model does not take.
          refusedParams.set(key, new Set([...(refusedParams.get(key) ?? []), param]));
          retry--;
          continue;
        }
        const classified = classify(err, role, baseURL, timeoutMs, this.config.apiKey);
        if (!classified.retryable || retry >= maxRetries) {
          if (classified.retryable && retry > 0) {
            classified.error.message += ` Gave up after ${retry} ${retry === 1 ? 'retry' : 'retries'}.`;
          }
          throw classified.error;
        }
        failure = classified.error;
        delay = classified.retryAfterMs;
      } finally {
        release();
      }
      if (completion) {
        this.checkNotTruncated(role, completion, estimate);
        return completion;
      }
      const serverAsked = delay !== null;
      const wait = delay !== null ? Math.min(delay, MAX_RETRY_AFTER_MS) : backoffMs(retry, backoff.baseMs, backoff.capMs);
      acc.retries++;
      this.usage.recordRetry(role);
      this.options.onRetry?.({ role, retry: retry + 1, delayMs: wait, reason: failure?.message ?? '', serverAsked });
      await sleep(wait, signal);
    }
  }

  /**
   * Ollama and others cut a prompt longer than the context they loaded the model with, silently,
   * from the start, where the instructions are. Their usage count then falls far below the
   * estimate: an answer to a prompt the model never fully read is refused, saying what to change.
   */
  private checkNotTruncated(role: LlmRole, completion: ChatCompletion, estimate: number): void {
    const read = completion.usage?.prompt_tokens;
    if (typeof read !== 'number' || estimate < 512 || read >= estimate * TRUNCATION_RATIO) return;
    const window = this.contextWindow(role);
    throw new LlmError(
      'context',
      `The model server read only ${read} tokens of the ${role} agent's prompt of about ${estimate}: it cut the prompt to fit a context smaller than the ${window} tokens Groundwork plans for. ` +
        `Load the model with a context of at least ${window} tokens (Ollama: set OLLAMA_CONTEXT_LENGTH=${window} or num_ctx; LM Studio: the model's context length), ` +
        `or set "Context window (tokens)" (--context-tokens or GROUNDWORK_CONTEXT_TOKENS) to the context the server really has.`,
      { role },
    );
  }

  /** The SDK hands back whatever a 200 carried (plain text, other JSON); only a chat completion goes on. */
  private asCompletion(answered: unknown, role: LlmRole): ChatCompletion {
    const choices = (answered as { choices?: unknown } | null)?.choices;
    if (typeof answered === 'object' && answered !== null && Array.isArray(choices)) return answered as ChatCompletion;
    const what =
      typeof answered === 'string'
        ? answered.trim() === ''
          ? 'an empty body'
          : `text that is not JSON ("${excerpt(this.clean(answered))}")`
        : `JSON without a "choices" list (${excerpt(this.clean(JSON.stringify(answered) ?? String(answered)))})`;
    throw new LlmError(
      'invalid-output',
      `The ${role} agent's call to ${this.config.baseURL} was answered with ${what}, not a chat completion. Check the base URL (it usually ends in /v1) and that the server is OpenAI-compatible.`,
      { role },
    );
  }

  private account(
    role: LlmRole,
    model: string,
    completion: ChatCompletion,
    body: ChatCompletionCreateParamsNonStreaming,
    acc: CallUsage,
  ): void {
    // Some local servers omit usage; an estimate keeps token budgets meaningful.
    const prompt = completion.usage?.prompt_tokens ?? estimateTokens(JSON.stringify(body.messages));
    const output = completion.usage?.completion_tokens ?? estimateTokens(completion.choices[0]?.message.content ?? '');
    const prices = this.config.prices;
    const cost = costOf(prices, model, prompt, output) ?? costOf(prices, completion.model, prompt, output);
    this.usage.recordRequest(role, prompt, output, cost);
    acc.calls++;
    acc.promptTokens += prompt;
    acc.completionTokens += output;
    acc.cost = acc.cost === null || cost === null ? null : acc.cost + cost;
  }
}

function zeroUsage(): CallUsage {
  return { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0, cost: 0 };
}


interface Answer {
  content: string;
  truncated: boolean;
  refusal: string | null;
  model: string;
}

function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function judge<T>(schema: AnySchema<T>, answer: Answer, clean: (s: string) => string): { ok: true; data: T } | { ok: false; problem: string } {
  if (answer.refusal) return { ok: false, problem: `the model refused: ${answer.refusal}` };
  if (answer.truncated) {
    return { ok: false, problem: 'the answer was cut off at the token limit (finish_reason "length") before the JSON was complete' };
  }
  if (!answer.content.trim()) return { ok: false, problem: 'the answer was empty' };
  return parseStructured(schema, answer.content, clean);
}

function quote(content: string, max: number): string {
  return content.length > max ? `${content.slice(0, max)}\n[… cut here]` : content;
}

/** The messages as the cache sees them: the same prompt under a fresh nonce is the same call. */
function withoutNonce(messages: LlmMessage[], nonce: string | undefined): LlmMessage[] {
  return nonce ? messages.map((m) => ({ role: m.role, content: m.content.split(nonce).join('') })) : messages;
}

function paramKey(baseURL: string, model: string): string {
  return `${endpointKey(baseURL)}\n${model}`;
}

/** A 400 that names a sampling or length parameter this model does not take. */
function refusedParam(err: unknown): 'temperature' | 'max_tokens' | null {
  if (!(err instanceof APIError) || (err.status !== 400 && err.status !== 422)) return null;
  const text = `${err.message} ${JSON.stringify(err.error ?? '')}`;
  if (/max_tokens/.test(text) && /max_completion_tokens|not supported|unsupported/i.test(text)) return 'max_tokens';
  if (/temperature/.test(text) && /not supported|unsupported|only the default|does not support/i.test(text)) return 'temperature';
  return null;
}

function withSchemaInstruction(messages: LlmMessage[], schemaName: string, jsonSchema: Record<string, unknown>): LlmMessage[] {
  const instruction = schemaInstruction(schemaName, jsonSchema);
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: 'system', content: instruction }, ...messages];
}

function refusesJsonSchema(err: unknown): boolean {
  const cause = err instanceof LlmError ? err.details.cause : err;
  if (!(cause instanceof APIError)) return false;
  if (cause.status !== 400 && cause.status !== 422) return false;
  const text = `${cause.message} ${JSON.stringify(cause.error ?? '')}`;
  return /response_format|json_schema/i.test(text);
}

interface Classified {
  error: LlmError;
  retryable: boolean;
  retryAfterMs: number | null;
}

function classify(err: unknown, role: LlmRole, baseURL: string, timeoutMs: number, apiKey = ''): Classified {
  const who = `The ${role} agent's call to ${baseURL}`;
  const tooLarge = causeOfType(err, BodyTooLarge);
  if (tooLarge) {
    // Not retried: a server that sent this much once will again, and each try costs the download.
    return {
      error: new LlmError('invalid-output', `${who} sent an answer larger than ${formatBytes(tooLarge.maxBytes)}; it was cut off there and not used. Check the server, or lower the answer size it allows.`, { role, cause: err }),
      retryable: false,
      retryAfterMs: null,
    };
  }
  if (err instanceof APIConnectionTimeoutError) {
    // Not retried: a model too slow once is slow again, and each retry would cost the whole timeout.
    return {
      error: new LlmError('timeout', `${who} got no answer within ${formatSeconds(timeoutMs)} (timeout, from the request to the answer's last byte). Check that the server is up and not overloaded, or allow it more time.`, { role, cause: err }),
      retryable: false,
      retryAfterMs: null,
    };
  }
  if (err instanceof APIConnectionError) {
    const refused = isConnectionRefused(err);
    const what = refused ? 'connection refused: is the server running?' : `connection failed (${rootMessage(err)}). Check the base URL and that the server is running.`;
    return {
      error: new LlmError('connection', `${who} could not reach the server: ${what}`, { role, cause: err }),
      retryable: true,
      retryAfterMs: null,
    };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const apiErr = err as APIError<number, Headers | undefined>;
    const status = apiErr.status;
    // Some servers quote the request's key in their error text; a message is printed and logged, so it never carries it.
    const serverText = cleanModelText(serverMessage(apiErr), apiKey);
    const retryable = status === 429 || status === 408 || status >= 500;
    let message: string;
    if (status === 401 || status === 403) message = `${who} was refused: the API key is missing or wrong (${status}).`;
    else if (status === 404) message = `${who} failed with 404: check the base URL and the model name. ${serverText}`;
    else if (status === 429) message = `${who} was rate-limited (429). ${sentence(serverText)} Wait a little, then run it again.`;
    else if (status >= 500) message = `${who} failed with a server error (${status}). ${sentence(serverText)} Try again later.`;
    else message = `${who} was rejected (${status}): ${serverText}`;
    return {
      error: new LlmError('http', message.trim(), { role, status, cause: err }),
      retryable,
      retryAfterMs: retryable ? retryAfterMs(apiErr.headers) : null,
    };
  }
  return {
    error: new LlmError('connection', `${who} failed: ${cleanModelText(err instanceof Error ? err.message : String(err), apiKey)}`, { role, cause: err }),
    retryable: false,
    retryAfterMs: null,
  };
}

function causeOfType<T extends Error>(err: unknown, type: new (...args: never[]) => T): T | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e; depth++) {
    if (e instanceof type) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The server's own words as a sentence, so a hint can follow them. */
function sentence(text: string): string {
  const t = text.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

function serverMessage(err: APIError<number, Headers | undefined>): string {
  const body: { message?: unknown } | undefined = err.error;
  if (body && typeof body.message === 'string') return body.message;
  return err.message.replace(/^\d{3}\s*/, '');
}

/**
 * A refused connection: Node says so with a code; Obsidian's requestUrl (Chromium) only with the
 * message `net::ERR_CONNECTION_REFUSED`, which a code check never sees.
 */
export function isConnectionRefused(err: unknown): boolean {
  return causeCode(err) === 'ECONNREFUSED' || /net::ERR_CONNECTION_REFUSED/.test(rootMessage(err));
}

export function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function rootMessage(err: unknown): string {
  let e: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 6 && e; depth++) {
    if (e instanceof Error && e.message) message = e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return message;
}
