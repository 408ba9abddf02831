export { LlmClient, responseFormatFor, DEFAULT_MAX_TOKENS } from './client';
export type {
  LlmClientOptions,
  LlmMessage,
  RetryInfo,
  ResponseFormatMode,
  StructuredRequest,
  StructuredResult,
  TextRequest,
  TextResult,
} from './client';
export { LLM_ROLES, LlmError, LlmCancelled, BudgetExceeded } from './errors';
export type { LlmRole, LlmErrorKind } from './errors';
export {
  LLM_PRESETS,
  DEFAULT_CACHE_LIMITS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  llmSettingsSchema,
  llmConfigFromSettings,
  llmConfigFromEnv,
  contextTokensFromEnv,
  defaultContextTokens,
  DEFAULT_TEMPERATURE,
  modelFor,
} from './presets';
export type { LlmConfig, LlmSettings, LlmPresetId, LlmBudget, ModelPrice, CacheLimits, LlmCliFlags } from './presets';
export { RunUsage, costOf } from './usage';
export type { CallUsage, UsageTotals } from './usage';
export { ResponseCache, cacheKey } from './cache';
export { Limiter, limiterFor } from './limiter';
export { retryAfterMs, backoffMs } from './retry';
export { toStrictJsonSchema, parseStructured, tightenSchema } from './structured';
export { testConnection } from './connection';
export type { ConnectionReport } from './connection';
export { makeRequestUrlFetch } from './request-url-fetch';
export type { RequestUrlLike, RequestUrlParamsLike, RequestUrlResponseLike } from './request-url-fetch';
