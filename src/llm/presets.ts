import * as z from 'zod/mini';
import { LLM_ROLES, LlmError, type LlmRole } from './errors';

/** Servers people actually run; `custom` keeps whatever base URL the person typed. */
export const LLM_PRESETS = {
  openai: { label: 'OpenAI', baseURL: 'https://api.openai.com/v1', needsKey: true },
  ollama: { label: 'Ollama', baseURL: 'http://localhost:11434/v1', needsKey: false },
  lmstudio: { label: 'LM Studio', baseURL: 'http://localhost:1234/v1', needsKey: false },
  openrouter: { label: 'OpenRouter', baseURL: 'https://openrouter.ai/api/v1', needsKey: true },
  custom: { label: 'Custom', baseURL: '', needsKey: false },
} as const;
export type LlmPresetId = keyof typeof LLM_PRESETS;

export interface ModelPrice {
  /** Currency units (usually USD) per million prompt tokens. */
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface LlmBudget {
  maxTokens?: number;
  maxCalls?: number;
}

export interface CacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 500, maxBytes: 20 * 1024 * 1024 };

export interface LlmConfig {
  baseURL: string;
  /** Secret: sent as a header, never stored in settings or in the cache. Empty for local servers. */
  apiKey: string;
  model: string;
  roleModels?: Partial<Record<LlmRole, string>>;
  timeoutMs: number;
  /** Retries after the first attempt on 429, 5xx and connection errors. */
  maxRetries: number;
  /** Requests in flight per endpoint, shared by every client of that base URL. */
  concurrency?: number;
  prices?: Record<string, ModelPrice>;
  budget?: LlmBudget;
  cache: boolean;
  cacheLimits?: CacheLimits;
  /** Backoff between retries; tests shrink it so they run fast. */
  backoff?: { baseMs: number; capMs: number };
  fetch?: typeof fetch;
  dangerouslyAllowBrowser?: boolean;
  /** Cap on one answer's body; past it the call fails clearly instead of filling memory. */
  maxAnswerBytes?: number;
  /**
   * The model's context window in tokens: every request's prompt estimate plus its `max_tokens`
   * stays under it. Absent: 8192 for a local server, the model's known window for a hosted one.
   */
  contextTokens?: number;
  /** Sampling temperature sent with every request; low, so answers follow the schema and the sources. */
  temperature?: number;
}

/** Ollama and LM Studio load models with 2–8k contexts unless told otherwise; 8192 is the usual setting. */
export const LOCAL_CONTEXT_TOKENS = 8192;
/** A hosted model of unknown window: the smallest window current hosted chat models have. */
export const HOSTED_CONTEXT_TOKENS = 32_768;
export const DEFAULT_TEMPERATURE = 0.1;
/** The smallest window the agents can work in: a digest prompt, a chunk of source and its answer. */
export const MIN_CONTEXT_TOKENS = 2048;

/** Context windows of hosted models, by name (an OpenRouter id like "openai/gpt-4o" matches too). */
const KNOWN_WINDOWS: ReadonlyArray<[RegExp, number]> = [
  [/gpt-4\.1/i, 1_047_576],
  [/gpt-5/i, 400_000],
  [/(^|\/)o[134](-|$)/i, 200_000],
  [/gpt-4o|gpt-4-turbo|chatgpt-4o/i, 128_000],
  [/gpt-3\.5-turbo/i, 16_385],
  [/claude/i, 200_000],
  [/gemini-(1\.5|2|3)/i, 1_048_576],
  [/mistral-large|mistral-medium|codestral/i, 128_000],
  [/deepseek/i, 64_000],
];

function isLocalURL(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname.replace(/^\[|\]$/g, '');
    return (
      host === 'localhost' ||
      host.endsWith('.local') ||
      host === '::1' ||
      /^127\./.test(host) ||
      /^10\./.test(host) ||
      /^192\.168\./.test(host) ||
      /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
      /^(fc|fd)[0-9a-f]{2}:/i.test(host)
    );
  } catch {
    return false;
  }
}

/** The window to plan for when the person set none: see LlmConfig.contextTokens. */
export function defaultContextTokens(baseURL: string, model: string): number {
  if (isLocalURL(baseURL)) return LOCAL_CONTEXT_TOKENS;
  for (const [pattern, window] of KNOWN_WINDOWS) if (pattern.test(model)) return window;
  return HOSTED_CONTEXT_TOKENS;
}

export function contextTokensFor(config: Pick<LlmConfig, 'baseURL' | 'model' | 'roleModels' | 'contextTokens'>, role: LlmRole): number {
  return config.contextTokens ?? defaultContextTokens(config.baseURL, modelFor(config, role));
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Far above any real completion (a 100k-token answer is under 1 MB), far below trouble. */
export const DEFAULT_MAX_ANSWER_BYTES = 8_000_000;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000 };

const priceSchema = z.object({
  inputPerMTok: z.number().check(z.nonnegative()),
  outputPerMTok: z.number().check(z.nonnegative()),
});

const positiveInt = z.int().check(z.positive());

/** The non-secret LLM settings, for the plugin to embed in its own settings schema. */
export const llmSettingsSchema = z.object({
  preset: z._default(z.enum(Object.keys(LLM_PRESETS) as [LlmPresetId, ...LlmPresetId[]]), 'ollama'),
  baseURL: z._default(z.string(), LLM_PRESETS.ollama.baseURL),
  model: z._default(z.string(), ''),
  roleModels: z._default(z.partialRecord(z.enum(LLM_ROLES), z.string()), {}),
  timeoutMs: z._default(positiveInt, DEFAULT_TIMEOUT_MS),
  maxRetries: z._default(z.int().check(z.gte(0), z.lte(10)), DEFAULT_MAX_RETRIES),
  concurrency: z._default(z.int().check(z.gte(1), z.lte(64)), DEFAULT_CONCURRENCY),
  prices: z._default(z.record(z.string(), priceSchema), {}),
  budget: z._default(z.object({ maxTokens: z.optional(positiveInt), maxCalls: z.optional(positiveInt) }), {}),
  cache: z._default(z.boolean(), true),
  cacheMaxEntries: z._default(positiveInt, DEFAULT_CACHE_LIMITS.maxEntries),
  cacheMaxBytes: z._default(positiveInt, DEFAULT_CACHE_LIMITS.maxBytes),
  /** 0: automatic (8192 for a local server, the model's window for a hosted one). */
  contextTokens: z._default(z.int().check(z.refine((n) => n === 0 || (n >= MIN_CONTEXT_TOKENS && n <= 10_000_000), `0 (automatic) or at least ${MIN_CONTEXT_TOKENS}`)), 0),
  temperature: z._default(z.number().check(z.gte(0), z.lte(2)), DEFAULT_TEMPERATURE),
});
export type LlmSettings = z.output<typeof llmSettingsSchema>;

/** Builds a client config from the plugin's stored settings and the key from SecretStorage. */
export function llmConfigFromSettings(
  settings: LlmSettings,
  apiKey: string,
  transport: { fetch?: typeof fetch; dangerouslyAllowBrowser?: boolean } = {},
): LlmConfig {
  const preset = LLM_PRESETS[settings.preset];
  const baseURL = (settings.preset === 'custom' ? settings.baseURL : settings.baseURL || preset.baseURL).trim();
  return {
    baseURL,
    apiKey,
    model: settings.model.trim(),
    roleModels: settings.roleModels,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    concurrency: settings.concurrency,
    prices: settings.prices,
    budget: settings.budget,
    cache: settings.cache,
    cacheLimits: { maxEntries: settings.cacheMaxEntries, maxBytes: settings.cacheMaxBytes },
    ...(settings.contextTokens > 0 ? { contextTokens: settings.contextTokens } : {}),
    temperature: settings.temperature,
    ...transport,
  };
}

export interface LlmCliFlags {
  baseUrl?: string;
  model?: string;
  noCache?: boolean;
  /** `--context-tokens N`; wins over GROUNDWORK_CONTEXT_TOKENS. */
  contextTokens?: string;
}


function contextFrom(raw: string | undefined, where: string): number | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < MIN_CONTEXT_TOKENS || n > 10_000_000) {
    throw new LlmError('config', `${where} must be a whole number of tokens from ${MIN_CONTEXT_TOKENS} up (the model's context window, e.g. 8192), not "${text}".`);
  }
  return n;
}

/** The CLI's context window setting: `--context-tokens` wins over GROUNDWORK_CONTEXT_TOKENS; undefined when neither is set. */
export function contextTokensFromEnv(env: Record<string, string | undefined>, flags: LlmCliFlags = {}): number | undefined {
  return flags.contextTokens !== undefined ? contextFrom(flags.contextTokens, '--context-tokens') : contextFrom(env.GROUNDWORK_CONTEXT_TOKENS, 'GROUNDWORK_CONTEXT_TOKENS');
}

function temperatureFrom(raw: string | undefined): number | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 2) throw new LlmError('config', `GROUNDWORK_TEMPERATURE must be a number from 0 to 2, not "${text}".`);
  return n;
}

/** The CLI's config: environment first, flags win; missing essentials fail with what to set. */
export function llmConfigFromEnv(env: Record<string, string | undefined>, flags: LlmCliFlags = {}): LlmConfig {
  const apiKey = env.OPENAI_API_KEY?.trim() ?? '';
  // A key alone means OpenAI itself, as with the official SDK.
  const baseURL = (flags.baseUrl ?? env.OPENAI_BASE_URL ?? (apiKey ? LLM_PRESETS.openai.baseURL : '')).trim();
  const model = (flags.model ?? env.GROUNDWORK_MODEL ?? '').trim();
  if (!baseURL) {
    throw new LlmError(
      'config',
      'No model server set: pass --base-url or set OPENAI_BASE_URL (for example https://api.openai.com/v1, or http://localhost:11434/v1 for Ollama).',
    );
  }
  checkBaseURL(baseURL);
  if (!model) {
    throw new LlmError('config', 'No model set: pass --model or set GROUNDWORK_MODEL (for example gpt-4o-mini or llama3.1).');
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const rawTimeout = env.OPENAI_TIMEOUT_MS?.trim();
  if (rawTimeout) {
    timeoutMs = Number(rawTimeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new LlmError('config', `OPENAI_TIMEOUT_MS must be a positive whole number of milliseconds, not "${rawTimeout}".`);
    }
  }
  const contextTokens = contextTokensFromEnv(env, flags);
  const temperature = temperatureFrom(env.GROUNDWORK_TEMPERATURE);
  const checkerModel = env.GROUNDWORK_CHECKER_MODEL?.trim();
  return {
    baseURL,
    apiKey,
    model,
    // The critic and the verifier may run on a stronger model than the one that wrote the work.
    ...(checkerModel ? { roleModels: { critic: checkerModel, verifier: checkerModel } } : {}),
    timeoutMs,
    maxRetries: DEFAULT_MAX_RETRIES,
    concurrency: DEFAULT_CONCURRENCY,
    cache: !flags.noCache,
    ...(contextTokens !== undefined ? { contextTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
}

export function checkBaseURL(baseURL: string): void {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new LlmError('config', `The base URL "${baseURL}" is not a URL; it looks like http://localhost:11434/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LlmError('config', `The base URL "${baseURL}" must start with http:// or https://.`);
  }
}

export function modelFor(config: Pick<LlmConfig, 'model' | 'roleModels'>, role: LlmRole): string {
  return config.roleModels?.[role]?.trim() || config.model;
}
