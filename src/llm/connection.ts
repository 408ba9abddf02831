import { causeCode, isConnectionRefused } from './client';
import { LLM_ROLES, type LlmError } from './errors';
import { checkBaseURL, type LlmConfig } from './presets';
import { clearTimer, setTimer } from './retry';

export interface ConnectionReport {
  ok: boolean;
  /** Model ids the server listed, when it answered. */
  models?: string[];
  /** One line for a person: what works, or what is wrong and what to do. */
  message: string;
}

/**
 * Asks the server for its models (`GET /models`) and turns every way this can fail into a reason
 * a person can act on. Uses the configured fetch directly, so in Obsidian it goes through the same
 * transport as the real calls.
 */
export async function testConnection(
  config: Pick<LlmConfig, 'baseURL' | 'apiKey' | 'model' | 'roleModels' | 'timeoutMs' | 'fetch'>,
  signal?: AbortSignal,
): Promise<ConnectionReport> {
  try {
    checkBaseURL(config.baseURL);
  } catch (err) {
    return { ok: false, message: (err as LlmError).message };
  }
  const base = config.baseURL.replace(/\/+$/, '');
  const url = `${base}/models`;
  const fetchFn = config.fetch ?? fetch;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = Math.min(config.timeoutMs, 30_000);
  const timer = setTimer(() => controller.abort(), timeoutMs);
  let status: number;
  let body: string;
  try {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;
    const res = await fetchFn(url, { method: 'GET', headers, signal: controller.signal });
    status = res.status;
    body = await res.text();
  } catch (err) {
    if (signal?.aborted) return { ok: false, message: 'Cancelled.' };
    if (controller.signal.aborted) {
      return { ok: false, message: `No answer from ${base} within ${Math.round(timeoutMs / 1000)} s: the server is down or too busy.` };
    }
    return { ok: false, message: explainFetchFailure(err, base) };
  } finally {
    clearTimer(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  if (status === 401 || status === 403) {
    return { ok: false, message: `The server at ${base} refused the API key (${status}). Check the key, or whether this server needs one.` };
  }
  if (status === 404) {
    return {
      ok: false,
      message: `Nothing OpenAI-compatible at ${base}: GET /models answered 404. Check the base URL; it usually ends in /v1.`,
    };
  }
  if (status >= 500) return { ok: false, message: `The server at ${base} is failing (${status}). Try again later.` };
  if (status < 200 || status >= 300) return { ok: false, message: `The server at ${base} answered ${status} to GET /models.` };

  const models = parseModelList(body);
  if (!models) {
    return {
      ok: false,
      message: `The server at ${base} answered, but not like an OpenAI-compatible API (no model list). Check the base URL; it usually ends in /v1.`,
    };
  }
  const wanted = [config.model, ...LLM_ROLES.map((r) => config.roleModels?.[r])]
    .map((m) => m?.trim())
    .filter((m): m is string => !!m);
  if (wanted.length === 0) {
    return { ok: false, models, message: `Connected to ${base} (${models.length} models), but no model is set. Pick one.` };
  }
  // Servers that list nothing (some proxies) cannot tell us a model is missing; do not cry wolf.
  const missing = models.length === 0 ? [] : [...new Set(wanted)].filter((m) => !models.includes(m));
  if (missing.length > 0) {
    const sample = models.slice(0, 8).join(', ') + (models.length > 8 ? ', …' : '');
    return {
      ok: false,
      models,
      message: `Connected to ${base}, but it has no model named ${missing.map((m) => `"${m}"`).join(', ')}. Available: ${sample || 'none'}.`,
    };
  }
  return { ok: true, models, message: `Connected to ${base}: ${models.length} model${models.length === 1 ? '' : 's'} available.` };
}

function parseModelList(body: string): string[] | null {
  try {
    const parsed = JSON.parse(body) as { data?: unknown };
    if (!Array.isArray(parsed.data)) return null;
    return parsed.data
      .map((m) => (typeof m === 'object' && m !== null ? (m as { id?: unknown }).id : undefined))
      .filter((id): id is string => typeof id === 'string');
  } catch {
    return null;
  }
}

function explainFetchFailure(err: unknown, base: string): string {
  const code = causeCode(err);
  if (isConnectionRefused(err)) return `Cannot reach ${base}: connection refused. Is the server running?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /net::ERR_NAME_NOT_RESOLVED/.test(err instanceof Error ? err.message : String(err))) return `Cannot reach ${base}: the host name does not resolve. Check the base URL.`;
  const message = err instanceof Error ? err.message : String(err);
  // Browsers hide the reason: a CORS refusal and a server that is down both read "Failed to fetch".
  if (err instanceof TypeError && /failed to fetch|load failed|networkerror/i.test(message)) {
    return (
      `The request to ${base} was blocked before an answer came back: either the server is down, or it does not ` +
      `allow requests from Obsidian (CORS). For Ollama, set OLLAMA_ORIGINS="app://obsidian.md*"; for LM Studio, enable CORS.`
    );
  }
  return `Cannot reach ${base}: ${message}`;
}
