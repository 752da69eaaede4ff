import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { painter } from '../cli/render.ts';
import { ValidationError } from '../errors.ts';
import { parseShiftsText } from '../providers/config.ts';
import { demoStart, runDemo } from './demo.ts';

const positiveInteger = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`${flag} takes a whole number ≥ 1`);
  return number;
};

const nonNegative = (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('--speed takes a number ≥ 0');
  return number;
};

const instant = (value: string) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/[zZ]|[+-]\d\d:?\d\d$/.test(value)) {
    throw new InvalidArgumentError(
      '--from takes an ISO 8601 instant with Z or an offset, e.g. 2027-03-22T00:00:00+01:00',
    );
  }
  return date;
};

/** The demo fleet beside this file: shifts.yml's models plus a Rekognition and a SageMaker model. */
const defaultFleet = relative(process.cwd(), fileURLToPath(new URL('./fleet.yml', import.meta.url)));

const program = new Command('npm start --')
  .description(
    'Runs the scheduler locally over a simulated week: DynamoDB Local, the emulators of the providers the\n' +
      'file uses on a virtual clock, the file applied, and the same reconcile tick and shift edges the Lambdas\n' +
      'run; writes the HTML report of the simulated days and prints its path.',
  )
  .option(
    '-f, --file <FILE>',
    'the shifts.yml to simulate (default: the demo fleet, one model or more of each provider)',
    defaultFleet,
  )
  .option('--days <N>', 'how many days to simulate', positiveInteger('--days'), 7)
  .option(
    '--from <ISO>',
    'the first simulated instant (default: the coming Sunday 12:00 in the default time zone)',
    instant,
  )
  .option(
    '--speed <N>',
    'simulated minutes per wall-clock second; 0 runs as fast as possible',
    nonNegative,
    0,
  )
  .option(
    '--seed <N>',
    'seed of the emulator’s latencies and faults (same seed, same week)',
    positiveInteger('--seed'),
    42,
  )
  .addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  npm start',
      '  npm start -- --days 2 --seed 7',
      '  npm start -- -f my-shifts.yml --from 2027-03-22T00:00:00+01:00',
    ].join('\n'),
  )
  .exitOverride();

const main = async (): Promise<number> => {
  try {
    program.parse(process.argv.slice(2), { from: 'user' });
  } catch (error) {
    return error instanceof CommanderError && error.exitCode === 0 ? 0 : 2;
  }
  const options = program.opts<{ file: string; days: number; from?: Date; speed: number; seed: number }>();
  const out = (...lines: string[]) => {
    for (const line of lines) process.stdout.write(`${line}\n`);
  };
  try {
    const config = parseShiftsText(readFileSync(options.file, 'utf8'), options.file);
    const zone = config.defaults.timezone ?? Object.values(config.schedules)[0]?.timezone ?? 'UTC';
    const from = options.from ?? demoStart(new Date(), zone);
    out(
      `model-shift-scheduler: ${options.days} simulated days from ${from.toISOString()}, ${config.models.length} models, seed ${options.seed}`,
    );
    await runDemo({
      config,
      source: options.file,
      from,
      days: options.days,
      speed: options.speed,
      seed: options.seed,
      out,
      progressInPlace: Boolean(process.stdout.isTTY),
      paint: painter(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
    });
    out(
      '',
      'everything this demo started has been stopped. Next: `npm test`, `npx shiftctl --help`, README.md.',
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`npm start: ${message}\n`);
    return error instanceof ValidationError || (error as NodeJS.ErrnoException).code === 'ENOENT' ? 2 : 1;
  }
};

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main();
