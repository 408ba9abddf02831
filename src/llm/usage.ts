import type { LlmBudget, ModelPrice } from './presets';
import { BudgetExceeded, type LlmRole } from './errors';

/** Tokens and cost of one call as the caller sees it (a repair call is folded in). */
export interface CallUsage {
  /** Requests that reached the model (1, or 2 with a repair call); 0 when served from the cache. */
  calls: number;
  promptTokens: number;
  completionTokens: number;
  retries: number;
  /** Null when the model's price is unknown. */
  cost: number | null;
}

export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  promptTokens: number;
  completionTokens: number;
  retries: number;
  /** Null as soon as one paid call used a model without a known price: a partial sum would mislead. */
  cost: number | null;
}

function emptyTotals(): UsageTotals {
  return { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, retries: 0, cost: 0 };
}

export function costOf(
  prices: Record<string, ModelPrice> | undefined,
  model: string,
  promptTokens: number,
  completionTokens: number,
): number | null {
  const price = prices?.[model];
  if (!price) return null;
  return (promptTokens * price.inputPerMTok + completionTokens * price.outputPerMTok) / 1_000_000;
}

/** What one run spent, overall and per agent role; it also enforces the run's budget. */
export class RunUsage {
  readonly total: UsageTotals = emptyTotals();
  readonly byRole: Partial<Record<LlmRole, UsageTotals>> = {};

  constructor(readonly budget: LlmBudget = {}) {}

  get calls(): number {
    return this.total.calls;
  }
  get cachedCalls(): number {
    return this.total.cachedCalls;
  }
  get promptTokens(): number {
    return this.total.promptTokens;
  }
  get completionTokens(): number {
    return this.total.completionTokens;
  }
  get totalTokens(): number {
    return this.total.promptTokens + this.total.completionTokens;
  }
  get retries(): number {
    return this.total.retries;
  }
  get cost(): number | null {
    return this.total.cost;
  }

  /** Throws BudgetExceeded when the next request would go past a cap; called before every request. */
  checkBudget(role?: LlmRole): void {
    const { maxCalls, maxTokens } = this.budget;
    if (maxCalls !== undefined && this.total.calls >= maxCalls) {
      throw new BudgetExceeded(
        `Stopped: the run's budget of ${maxCalls} call${maxCalls === 1 ? '' : 's'} is used up.`,
        this.budget,
        { role },
      );
    }
    if (maxTokens !== undefined && this.totalTokens >= maxTokens) {
      throw new BudgetExceeded(
        `Stopped: the run's budget of ${maxTokens} tokens is used up (${this.totalTokens} used).`,
        this.budget,
        { role },
      );
    }
  }

  recordRequest(role: LlmRole, promptTokens: number, completionTokens: number, cost: number | null): void {
    for (const t of [this.total, this.roleTotals(role)]) {
      t.calls++;
      t.promptTokens += promptTokens;
      t.completionTokens += completionTokens;
      t.cost = t.cost === null || cost === null ? null : t.cost + cost;
    }
  }

  recordRetry(role: LlmRole): void {
    this.total.retries++;
    this.roleTotals(role).retries++;
  }

  recordCacheHit(role: LlmRole): void {
    this.total.cachedCalls++;
    this.roleTotals(role).cachedCalls++;
  }

  toJSON(): { total: UsageTotals; byRole: Partial<Record<LlmRole, UsageTotals>> } {
    return { total: { ...this.total }, byRole: structuredClone(this.byRole) };
  }

  private roleTotals(role: LlmRole): UsageTotals {
    return (this.byRole[role] ??= emptyTotals());
  }
}
