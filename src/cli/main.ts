import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { exitStatusOf } from '../errors.ts';
import { commands } from './commands/index.ts';
import { type CliIo, processIo } from './io.ts';

/** Builds the `shiftctl` program; every command registers itself from `commands/`. */
export const buildProgram = (io: CliIo): Command => {
  const program = new Command('shiftctl')
    .description('Schedules hosted vision models around factory shifts.')
    .version(packageJson.version, '-V, --version', 'print the version of shiftctl')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  for (const register of commands) register(program, io);
  return program;
};

/** Runs shiftctl with `argv` (without node and script) and resolves to the exit status. */
export const main = async (argv: readonly string[], io: CliIo = processIo()): Promise<number> => {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; every other commander error is usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.err(`shiftctl: ${error instanceof Error ? error.message : String(error)}`);
    return exitStatusOf(error);
  }
};
