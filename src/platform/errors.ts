/** A usage or validation error: the command line or an input file is wrong. Exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input that failed validation; each issue names the path of the bad field. Exit status 2. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly source: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      issues.map((issue) => `${source}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'),
    );
  }
}

/** The exit status a command ends with when it throws `error`. */
export const exitStatusOf = (error: unknown): 1 | 2 =>
  error instanceof UsageError || error instanceof ValidationError ? 2 : 1;
