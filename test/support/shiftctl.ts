import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { TableNames } from '../../src/platform/env.ts';

/** Runs shiftctl in-process against the given tables and returns what it printed and its exit status. */
export const runShiftctl = async (
  argv: readonly string[],
  tables?: TableNames,
): Promise<{ status: number; out: string; err: string }> => {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text.endsWith('\n') ? text : `${text}\n`;
    },
    err: (text) => {
      err += text.endsWith('\n') ? text : `${text}\n`;
    },
    isTty: false,
    env: {
      ...process.env,
      ...(tables ? { CONFIG_TABLE_NAME: tables.configTable, RUNS_TABLE_NAME: tables.runsTable } : {}),
    },
  };
  const status = await main(argv, io);
  return { status, out, err };
};
