import { GroundworkError, type ErrorCategory } from '../core/errors';

/** Which agent a call is made for; prices, budgets and error messages are reported per role. */
export const LLM_ROLES = ['scout', 'distiller', 'critic', 'mapper', 'actor', 'verifier'] as const;
export type LlmRole = (typeof LLM_ROLES)[number];

export type LlmErrorKind =
  | 'config'
  | 'http'
  | 'connection'
  | 'timeout'
  | 'invalid-output'
  | 'cancelled'
  | 'budget'
  /** The prompt does not fit the context window, or the server cut it to fit its own. */
  | 'context';

/**
 * Every failure of the LLM layer is an LlmError, so callers need one `instanceof` check and can
 * show `message` to a person as is: messages name the agent role and the problem in plain words.
 */
export class LlmError extends GroundworkError {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: { role?: LlmRole; status?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'LlmError';
  }

  override get category(): ErrorCategory {
    return this.kind === 'cancelled' ? 'cancelled' : 'failure';
  }

  get role(): LlmRole | undefined {
    return this.details.role;
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** The run was cancelled by its AbortSignal; callers stop quietly rather than report a failure. */
export class LlmCancelled extends LlmError {
  constructor(message = 'Cancelled.', details: LlmError['details'] = {}) {
    super('cancelled', message, details);
    this.name = 'LlmCancelled';
  }
}

/** Thrown before a call that would go past the run's budget; nothing was sent. */
export class BudgetExceeded extends LlmError {
  constructor(
    message: string,
    readonly limit: { maxTokens?: number; maxCalls?: number },
    details: LlmError['details'] = {},
  ) {
    super('budget', message, details);
    this.name = 'BudgetExceeded';
  }
}

export { isAbortError } from '../core/abort';
