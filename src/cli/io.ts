/** Where a command writes; tests pass their own to read what a command printed. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal: colour and wide tables only then. */
  readonly isTty: boolean;
  /** The environment the command reads (AWS_*, table names). */
  readonly env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTty: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  env: process.env,
});
