/** A mistake in how the CLI was called: exit 2 with one line. */
export class UsageError extends Error {
  /** The command whose usage to show; the general usage when absent. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the person can act on: exit 1 with one line, no stack trace. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}
