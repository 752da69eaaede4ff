/**
 * What `shiftctl plan -f` costs as text against `--json` for the same plan, measured in one run:
 * ten years of the example shifts.yml, and a generated fleet of 1,000 models across several time
 * zones over one month with clock changes in it. The text view draws a timeline row per model and
 * day, so it is where work per model × day × window would show; the ratio text/json says whether it
 * does. Each figure is the best of a few rounds in this process, after one warm-up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CliIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { renderTable, right } from '../src/cli/render.ts';

const shiftsFile = new URL('../shifts.yml', import.meta.url).pathname;
const rounds = 3;

/**
 * Zones whose clocks change between 10 March and 10 April 2027 (New York, Berlin; Santiago at
 * midnight, Lord Howe by half an hour, Sydney), and one whose clocks never change.
 */
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Santiago',
  'Australia/Lord_Howe',
];

/** A shifts.yml document with `count` models, spread over two schedules per zone. */
const fleet = (count: number) => ({
  version: 1,
  defaults: { timezone: 'Europe/Berlin', leadMinutes: 20, pricePerInferenceUnitHour: 4 },
  calendars: { plant: { closed: ['2027-03-15', '2027-03-29..2027-03-30'] } },
  schedules: Object.fromEntries(
    zones.flatMap((timezone, index) => [
      [
        `two-shift-${index}`,
        {
          timezone,
          calendar: 'plant',
          shifts: [
            {
              name: 'early',
              days: 'mon-fri',
              start: '06:00',
              end: '14:00',
              minInferenceUnits: 2,
              maxInferenceUnits: 4,
            },
            { name: 'late', days: 'mon-fri', start: '14:00', end: '22:00', minInferenceUnits: 1 },
          ],
        },
      ],
      [
        `nights-${index}`,
        {
          timezone,
          shifts: [
            { name: 'night', days: 'fri-sun', start: '22:00', end: '06:00', minInferenceUnits: 1 },
            { name: 'dawn', days: 'sat', start: '01:30', end: '03:30', minInferenceUnits: 1 },
          ],
        },
      ],
    ]),
  ),
  models: Array.from({ length: count }, (_, index) => ({
    id: `line-${String(index).padStart(4, '0')}`,
    provider: 'lookoutvision',
    projectName: `project-${index}`,
    modelVersion: '1',
    schedule: `${index % 2 === 0 ? 'two-shift' : 'nights'}-${index % zones.length}`,
    ...(index % 5 === 0 ? { leadMinutes: 45 } : {}),
  })),
});

const silentIo = (): CliIo & { bytes: () => number } => {
  let bytes = 0;
  return {
    out: (text) => {
      bytes += text.length;
    },
    err: (text) => process.stderr.write(text),
    isTty: false,
    env: {},
    bytes: () => bytes,
  };
};

/** Best wall time of `rounds` runs of `shiftctl …args`, and the characters it printed. */
const timed = async (args: readonly string[]): Promise<{ seconds: number; chars: number }> => {
  let best = Number.POSITIVE_INFINITY;
  let chars = 0;
  for (let round = 0; round < rounds; round += 1) {
    const io = silentIo();
    const started = performance.now();
    const status = await main(args, io);
    best = Math.min(best, (performance.now() - started) / 1000);
    if (status !== 0) throw new Error(`shiftctl ${args.join(' ')} exited ${status}`);
    chars = io.bytes();
  }
  return { seconds: best, chars };
};

export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-bench-'));
  try {
    const fleetFile = join(dir, 'fleet.yml');
    writeFileSync(fleetFile, stringify(fleet(1000)));
    const cases = [
      {
        name: 'example, 10 years',
        args: ['plan', '-f', shiftsFile, '--from', '2027-01-01T00:00:00Z', '--to', '2037-01-01T00:00:00Z'],
      },
      {
        name: '1,000 models, 1 month',
        args: ['plan', '-f', fleetFile, '--from', '2027-03-10T00:00:00Z', '--to', '2027-04-10T00:00:00Z'],
      },
    ];
    await timed(['plan', '-f', shiftsFile, '--from', '2027-03-01T00:00:00Z', '--to', '2027-03-08T00:00:00Z']);
    const rows: string[][] = [];
    for (const { name, args } of cases) {
      const json = await timed([...args, '--json']);
      const text = await timed(args);
      rows.push([
        name,
        json.seconds.toFixed(2),
        text.seconds.toFixed(2),
        (text.seconds / json.seconds).toFixed(2),
        `${(text.chars / 1e6).toFixed(1)} MB`,
      ]);
    }
    console.log(`shiftctl plan -f, in process, best of ${rounds}`);
    console.log(
      renderTable(['CASE', right('JSON S'), right('TEXT S'), right('TEXT/JSON'), right('TEXT SIZE')], rows),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
