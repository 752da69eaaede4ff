import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type SeedModel, startEmulator } from '../../emulator/index.ts';
import { UsageError } from '../../errors.ts';
import { parseConfigText } from '../../schedule/config.ts';
import type { CliIo } from '../io.ts';

interface EmulatorCommandOptions {
  readonly port: string;
  readonly file?: string;
  readonly startLatency?: string;
  readonly stopLatency?: string;
}

/**
 * `shiftctl emulator`: the local Lookout for Vision on 127.0.0.1, on the real clock, until SIGINT or
 * SIGTERM. The one line on stdout is the contract scripts wait for: `listening on http://127.0.0.1:PORT`.
 */
export const registerEmulatorCommand = (program: Command, io: CliIo): void => {
  program
    .command('emulator')
    .description(
      'run the local, wire-faithful Lookout for Vision emulator on 127.0.0.1 until stopped (Ctrl-C); ' +
        'point the SDK at it with AWS_ENDPOINT_URL_LOOKOUTVISION',
    )
    .option('--port <N>', 'port to listen on; 0 picks a free one', '0')
    .option('-f, --file <FILE>', 'create each lookoutvision model FILE names, TRAINED')
    .option('--start-latency <SECONDS>', 'how long a start takes before HOSTED (default 600)')
    .option('--stop-latency <SECONDS>', 'how long a stop takes before TRAINED (default 120)')
    .addHelpText(
      'after',
      [
        '',
        'The admin interface (seed models, faults, call log, ledger) is JSON under /__emulator/.',
        '',
        'Example:',
        '  shiftctl emulator -f shifts.yml --start-latency 5 &',
        '  AWS_ENDPOINT_URL_LOOKOUTVISION=http://127.0.0.1:PORT shiftctl tick',
      ].join('\n'),
    )
    .action(async (options: EmulatorCommandOptions) => {
      const port = parseNumber(options.port, '--port', { integer: true, max: 65_535 });
      const startLatency = optionalSeconds(options.startLatency, '--start-latency');
      const stopLatency = optionalSeconds(options.stopLatency, '--stop-latency');
      const models = options.file === undefined ? [] : await modelsOf(options.file);

      const emulator = await startEmulator({
        port,
        models,
        ...(startLatency === undefined ? {} : { startLatency }),
        ...(stopLatency === undefined ? {} : { stopLatency }),
      });
      for (const model of models) io.err(`created ${model.projectName}/${model.modelVersion} (TRAINED)`);
      io.out(`listening on ${emulator.url}`);
      await untilStopped();
      await emulator.close();
    });
};

/** The lookoutvision models a shifts file names. `latest` needs a real version behind it: "1". */
const modelsOf = async (file: string): Promise<SeedModel[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const seen = new Set<string>();
  const models: SeedModel[] = [];
  for (const model of parseConfigText(text, file).models) {
    if (model.provider !== 'lookoutvision') continue;
    const modelVersion = model.modelVersion === 'latest' ? '1' : model.modelVersion;
    const key = `${model.projectName}/${modelVersion}`;
    if (seen.has(key)) continue;
    seen.add(key);
    models.push({ projectName: model.projectName, modelVersion });
  }
  return models;
};

const untilStopped = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

const optionalSeconds = (value: string | undefined, flag: string): number | undefined =>
  value === undefined ? undefined : parseNumber(value, flag, { integer: false, max: 86_400 }) * 1000;

const parseNumber = (value: string, flag: string, rule: { integer: boolean; max: number }): number => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > rule.max) {
    throw new UsageError(`${flag}: "${value}" is not a number from 0 to ${rule.max}`);
  }
  if (rule.integer && !Number.isInteger(number))
    throw new UsageError(`${flag}: "${value}" is not a whole number`);
  return number;
};
