/**
 * The project's one error model. Every error the scheduler raises on purpose extends
 * {@link SchedulerError}: a stable `code` to match on, the exit status `shiftctl` ends with when
 * the error reaches it, and the `cause` it was translated from. This module imports nothing, so
 * every layer, the pure engine included, may raise these errors.
 */

/** How `shiftctl` ends: 1 a failure at run time, 2 a usage or validation error (0 is success). */
export type ExitStatus = 1 | 2;

/** The base of every error the scheduler raises on purpose; anything else is a failure at run time. */
export abstract class SchedulerError extends Error {
  /** What went wrong, stable across releases and independent of the message text. */
  abstract readonly code: string;
  /** The exit status of a command that ends with this error. */
  readonly exitStatus: ExitStatus = 1;
}

/**
 * Whether `error` is one of the scheduler's errors, with `code` when one is given: the one way to
 * tell errors apart, by class and code, never by message text. (A function rather than a static
 * method, so each error class keeps its own narrower `is`.)
 */
export const isSchedulerError = (error: unknown, code?: string): error is SchedulerError =>
  error instanceof SchedulerError && (code === undefined || error.code === code);

/** A usage or validation error: the command line or an input file is wrong. Exit status 2. */
export class UsageError extends SchedulerError {
  override readonly name = 'UsageError';
  readonly code: string = 'Usage';
  override readonly exitStatus = 2;
}

/** Input that failed validation; each issue names the path of the bad field. Exit status 2. */
export class ValidationError extends SchedulerError {
  override readonly name = 'ValidationError';
  readonly code = 'InvalidInput';
  override readonly exitStatus = 2;
  constructor(
    readonly source: string,
    readonly issues: readonly { path: string; message: string }[],
    options?: ErrorOptions,
  ) {
    super(
      issues.map((issue) => `${source}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'),
      options,
    );
  }
}

/**
 * A failure at run time (exit status 1) whose message says what to do next: a table to create, an
 * endpoint to start.
 */
export class RuntimeFailure extends SchedulerError {
  override readonly name = 'RuntimeFailure';
  readonly code: string = 'RuntimeFailure';
}

/**
 * The code of the most specific scheduler error behind `error`: the innermost one along its
 * `cause` chain (a pass that could not read its configuration says why: `TableMissing`), or
 * `Unknown` when there is none.
 */
export const errorCodeOf = (error: unknown): string => {
  let code = 'Unknown';
  for (let found = error, depth = 0; found instanceof Error && depth < 8; found = found.cause, depth += 1) {
    if (found instanceof SchedulerError) code = found.code;
  }
  return code;
};

/** The exit status a command ends with when it throws `error`: its own, or 1 for what is not ours. */
export const exitStatusOf = (error: unknown): ExitStatus =>
  error instanceof SchedulerError ? error.exitStatus : 1;
