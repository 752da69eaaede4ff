import type { Command } from 'commander';
import { SystemClock } from '../../emulator/clock.ts';
import { startEmulatorServer } from '../../emulator/server.ts';
import { UsageError } from '../../errors.ts';
import { emulators, providersOf, refsOf } from '../../providers/emulators.ts';
import { type ProviderId, providerIds } from '../../providers/registry.ts';
import type { SchedulerConfig } from '../../schedule/config.ts';
import { readConfigFile } from '../context.ts';
import type { CliIo } from '../io.ts';

interface EmulatorCommandOptions {
  readonly port: string;
  readonly file?: string;
  readonly provider?: string;
  readonly startLatency?: string;
  readonly stopLatency?: string;
}

/**
 * `shiftctl emulator`: the local hosting services on 127.0.0.1, on the real clock, until SIGINT or
 * SIGTERM, all on one port. The first line on stdout is the contract scripts wait for: `listening on
 * http://127.0.0.1:PORT`; one `AWS_ENDPOINT_URL_<SERVICE>=URL` line per service served follows.
 */
export const registerEmulatorCommand = (program: Command, io: CliIo): void => {
  program
    .command('emulator')
    .description(
      'run the local, wire-faithful hosting services on 127.0.0.1 until stopped (Ctrl-C): those FILE ' +
        'uses, Lookout for Vision without FILE, or the one --provider names; all on one port',
    )
    .option('--port <N>', 'port to listen on; 0 picks a free one', '0')
    .option('-f, --file <FILE>', 'create each model FILE names, ready to start')
    .option('--provider <NAME>', `serve only this provider (${providerIds.join(', ')})`)
    .option('--start-latency <SECONDS>', 'how long a start takes, for every provider (default 600)')
    .option('--stop-latency <SECONDS>', 'how long a stop takes, for every provider (default 120)')
    .addHelpText(
      'after',
      [
        '',
        'The admin interface (seed models, faults, call log, ledger) is JSON under /__emulator/',
        '(the first provider served) and /__emulator/<provider>/.',
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
      const only = options.provider === undefined ? undefined : providerNamed(options.provider);
      const config = options.file === undefined ? undefined : readConfigFile(options.file);
      const served = only ? [only] : servedBy(config);

      const clock = new SystemClock();
      const refs = config ? refsOf(config) : [];
      const engines = served.map((id) => {
        const emulator = emulators[id];
        const engine = emulator.createEngine({
          clock,
          // One endpoint serves one region, as AWS's regional endpoints do: its ARNs name it.
          ...(io.env.AWS_REGION ? { region: io.env.AWS_REGION } : {}),
          ...(startLatency === undefined ? {} : { startLatency }),
          ...(stopLatency === undefined ? {} : { stopLatency }),
        });
        for (const name of emulator.seed(engine, refs))
          io.err(`created ${id} ${name} (${emulator.readyStatus})`);
        return engine;
      });
      const server = await startEmulatorServer({ engines, port });
      io.out(`listening on ${server.url}`);
      for (const id of served) io.out(`${emulators[id].endpointVariable}=${server.url}`);
      await untilStopped();
      await server.close();
    });
};

/** The providers a file uses; Lookout for Vision when there is no file. */
const servedBy = (config: SchedulerConfig | undefined): ProviderId[] =>
  config === undefined ? ['lookoutvision'] : providersOf(config);

const providerNamed = (name: string): ProviderId => {
  const id = providerIds.find((known) => known === name);
  if (id === undefined)
    throw new UsageError(`--provider: "${name}" is not a provider (${providerIds.join(', ')})`);
  return id;
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
