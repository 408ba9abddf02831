import { GroundworkError, type ErrorCategory } from '../core/errors';

/** A mistake in how the CLI was called: exit 2 with one line. */
export class UsageError extends GroundworkError {
  /** The command whose usage to show; the general usage when absent. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  override get category(): ErrorCategory {
    return 'usage';
  }
}

/** A failure the person can act on: exit 1 with one line, no stack trace. */
export class CliFailure extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}
