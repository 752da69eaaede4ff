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
