import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { TableNames } from '../../src/platform/env.ts';

/** What a command printed, as a terminal shows it. */
export interface Captured {
  /** A {@link CliIo} that keeps what is written to it (no terminal, so no colour). */
  readonly io: CliIo;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/**
 * A {@link CliIo} for tests: it keeps stdout and stderr, each write ended with a newline as the
 * process's own io ends it, and gives commands exactly `env` (nothing of the test's environment
 * unless passed in).
 */
export const capture = (env: NodeJS.ProcessEnv = {}): Captured => {
  let out = '';
  let err = '';
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    io: {
      out: (text) => {
        out += line(text);
      },
      err: (text) => {
        err += line(text);
      },
      isTty: false,
      env,
    },
    out: () => out,
    err: () => err,
  };
};

/** The test's environment with the table names of `tables`, as the CLI reads them. */
export const tablesEnv = (tables: TableNames): NodeJS.ProcessEnv => ({
  ...process.env,
  CONFIG_TABLE_NAME: tables.configTable,
  RUNS_TABLE_NAME: tables.runsTable,
});

/** Runs shiftctl in-process with `env` and returns what it printed and its exit status. */
export const shiftctl = async (
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number; out: string; err: string }> => {
  const { io, out, err } = capture(env);
  const status = await main(argv, io);
  return { status, out: out(), err: err() };
};

/** Runs shiftctl in-process against the given tables and returns what it printed and its exit status. */
export const runShiftctl = (
  argv: readonly string[],
  tables?: TableNames,
): Promise<{ status: number; out: string; err: string }> =>
  shiftctl(argv, tables ? tablesEnv(tables) : { ...process.env });
