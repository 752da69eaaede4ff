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

/**
 * Error codes of the file system that say a path itself is wrong (missing, not a file, through a
 * file, too long, not allowed, a symbolic-link loop): the user gave a bad path. Other codes (EIO,
 * EMFILE, …) are failures at run time.
 */
const BAD_PATH_CODES: ReadonlySet<string> = new Set([
  'ENOENT',
  'EISDIR',
  'ENOTDIR',
  'ENAMETOOLONG',
  'EACCES',
  'EPERM',
  'ELOOP',
]);

/** The code of a file-system error that a usage error should report, or undefined for any other error. */
export const badPathCodeOf = (error: unknown): string | undefined => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && BAD_PATH_CODES.has(code) ? code : undefined;
};
