/**
 * `shiftctl report` end to end: the interface example applied and realistic runs written to
 * DynamoDB Local through the real repositories, then the command itself — JSON sums against
 * `shiftctl runs --json`, the people view, and the HTML page (rendered by headless Chromium when
 * the machine has it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { shiftsRules } from '../../src/providers/config.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../../src/store/dynamo-run-repository.ts';
import type { RunRecord } from '../../src/store/run-record.ts';
import { aRun, interfaceExample } from '../support/builders.ts';
import { useTestTables } from '../support/dynamodb.ts';
import { capture, tablesEnv } from '../support/shiftctl.ts';

const tables = useTestTables('report');
const CHROMIUM = '/usr/bin/chromium';
// March 2027 in Europe/Berlin: from local midnight of the 1st (CET) to that of April 1st (CEST).
const MARCH = { from: Date.parse('2027-02-28T23:00:00Z'), to: Date.parse('2027-03-31T22:00:00Z') };

const captureOnTables = () => capture(tablesEnv(tables.names));

interface Spans {
  windows: { shift: string; start: string; end: string }[];
  billedFrom: string;
  hostedAt: string;
  stoppedAt: string;
}

/** A scheduled run that was started (start request = billed from) and observed stopped. */
const aFinishedRun = (model: string, spans: Spans, overrides: Partial<RunRecord> = {}): RunRecord => {
  const night = model === 'night-inspection';
  const first = spans.windows[0]?.start ?? spans.billedFrom;
  const last = spans.windows.at(-1)?.end ?? spans.stoppedAt;
  const { maxInferenceUnits: _unused, ...base } = aRun();
  return {
    ...base,
    ...(night ? {} : { maxInferenceUnits: 4 }),
    model,
    runId: `${model}@${first}`,
    schedule: night ? 'weekend-night' : 'weekday-two-shift',
    shifts: spans.windows.map((w) => w.shift),
    windows: spans.windows,
    plannedStartAt: spans.billedFrom,
    plannedEndAt: last,
    minInferenceUnits: night ? 1 : 2,
    outcome: 'completed',
    starts: [
      {
        attempt: 1,
        clientToken: `${model}-${first}-s1`,
        intendedAt: spans.billedFrom,
        acceptedAt: spans.billedFrom,
      },
    ],
    stops: [{ attempt: 1, clientToken: `${model}-${first}-p1`, intendedAt: last, acceptedAt: last }],
    hostedAt: spans.hostedAt,
    stoppedAt: spans.stoppedAt,
    billedFrom: spans.billedFrom,
    billedUntil: spans.stoppedAt,
    createdAt: spans.billedFrom,
    updatedAt: spans.stoppedAt,
    ...overrides,
  };
};

const twoShifts = (day: string) => [
  { shift: 'early', start: `2027-03-${day}T05:00:00.000Z`, end: `2027-03-${day}T13:00:00.000Z` },
  { shift: 'late', start: `2027-03-${day}T13:00:00.000Z`, end: `2027-03-${day}T21:00:00.000Z` },
];

/**
 * Billed minutes (each run's start request until stopped, clipped to March in Berlin):
 * pcb-line-1 983 + 982 + 290 = 2255 min at 2 units; night-inspection 514 + 455 + 364 = 1333 min at 1.
 */
const runs: RunRecord[] = [
  // Mon 22nd, early + late back to back: hosted before the shift, 04:40Z → 21:03Z = 983 min.
  aFinishedRun('pcb-line-1', {
    windows: twoShifts('22'),
    billedFrom: '2027-03-22T04:40:00.000Z',
    hostedAt: '2027-03-22T04:57:00.000Z',
    stoppedAt: '2027-03-22T21:03:00.000Z',
  }),
  // Tue 23rd: HOSTED 14 minutes after early began (late), 982 min.
  aFinishedRun('pcb-line-1', {
    windows: twoShifts('23'),
    billedFrom: '2027-03-23T04:40:00.000Z',
    hostedAt: '2027-03-23T05:14:00.000Z',
    stoppedAt: '2027-03-23T21:02:00.000Z',
  }),
  // Wed 24th: the model failed at 09:30Z, 290 min billed.
  aFinishedRun(
    'pcb-line-1',
    {
      windows: twoShifts('24'),
      billedFrom: '2027-03-24T04:40:00.000Z',
      hostedAt: '2027-03-24T04:58:00.000Z',
      stoppedAt: '2027-03-24T09:30:00.000Z',
    },
    {
      outcome: 'failed',
      note: 'model FAILED while hosted',
      errors: [{ at: '2027-03-24T09:30:00.000Z', action: 'observe', code: 'ModelFailed', message: 'FAILED' }],
    },
  ),
  // Fri 26th night, 20:30Z → 05:04Z = 514 min.
  aFinishedRun('night-inspection', {
    windows: [{ shift: 'night', start: '2027-03-26T21:00:00.000Z', end: '2027-03-27T05:00:00.000Z' }],
    billedFrom: '2027-03-26T20:30:00.000Z',
    hostedAt: '2027-03-26T20:44:00.000Z',
    stoppedAt: '2027-03-27T05:04:00.000Z',
  }),
  // Sat 27th night across spring forward: 22:00 CET → 06:00 CEST is 7 h; 20:30Z → 04:05Z = 455 min.
  aFinishedRun('night-inspection', {
    windows: [{ shift: 'night', start: '2027-03-27T21:00:00.000Z', end: '2027-03-28T04:00:00.000Z' }],
    billedFrom: '2027-03-27T20:30:00.000Z',
    hostedAt: '2027-03-27T20:52:00.000Z',
    stoppedAt: '2027-03-28T04:05:00.000Z',
  }),
  // Sun Feb 28th night into March: only 23:00Z (Berlin midnight) → 05:04Z = 364 min is March's.
  aFinishedRun('night-inspection', {
    windows: [{ shift: 'night', start: '2027-02-28T21:00:00.000Z', end: '2027-03-01T05:00:00.000Z' }],
    billedFrom: '2027-02-28T20:30:00.000Z',
    hostedAt: '2027-02-28T20:47:00.000Z',
    stoppedAt: '2027-03-01T05:04:00.000Z',
  }),
  // Fri Feb 26th night: all February, not in the report.
  aFinishedRun('night-inspection', {
    windows: [{ shift: 'night', start: '2027-02-26T21:00:00.000Z', end: '2027-02-27T05:00:00.000Z' }],
    billedFrom: '2027-02-26T20:30:00.000Z',
    hostedAt: '2027-02-26T20:41:00.000Z',
    stoppedAt: '2027-02-27T05:03:00.000Z',
  }),
];

const pcbCost = (2255 / 60) * 2 * 4;
const nightCost = (1333 / 60) * 1 * 4;

describe('shiftctl report', () => {
  beforeAll(async () => {
    const config = interfaceExample();
    // A model budget and a schedule budget, so the report shows spend against both.
    config.models = config.models.map((model) =>
      model.id === 'pcb-line-1' ? { ...model, monthlyBudget: { usd: 500 } } : model,
    );
    const night = config.schedules['weekend-night'];
    if (night) config.schedules['weekend-night'] = { ...night, monthlyBudget: { inferenceUnitHours: 80 } };
    await new DynamoConfigRepository(tables.client, tables.names.configTable, shiftsRules).apply(config, {
      source: 'interface-example.yml',
      appliedAt: '2027-02-01T00:00:00.000Z',
      expectedVersion: undefined,
    });
    const repository = new DynamoRunRepository(tables.client, tables.names.runsTable);
    for (const run of runs) await repository.create(run);
  });

  it('--json sums agree with `runs --json` clipped to the month and with the hand-computed figures', async () => {
    // Prepare
    const report = captureOnTables();
    const listed = captureOnTables();

    // Act
    const reportStatus = await main(['report', '--month', '2027-03', '--json'], report.io);
    const runsStatus = await main(['runs', '--json'], listed.io);

    // Assess
    expect(report.err()).toBe('');
    expect(reportStatus).toBe(0);
    expect(runsStatus).toBe(0);
    const json = JSON.parse(report.out());
    const views: {
      model: string;
      requestedStartAt: string;
      stoppedAt: string;
      cost: number;
      inferenceUnitHours: number;
    }[] = JSON.parse(listed.out()).runs;
    // Every run here is billed from its start request until stopped: clip that span to March.
    const clipped = (model: string, field: 'cost' | 'inferenceUnitHours') =>
      views
        .filter((view) => view.model === model)
        .reduce((sum, view) => {
          const from = Date.parse(view.requestedStartAt);
          const to = Date.parse(view.stoppedAt);
          const inside = Math.max(0, Math.min(to, MARCH.to) - Math.max(from, MARCH.from));
          return sum + (view[field] * inside) / (to - from);
        }, 0);
    const byModel = Object.fromEntries(json.models.map((m: { model: string }) => [m.model, m]));
    for (const model of ['pcb-line-1', 'night-inspection']) {
      expect(byModel[model].cost).toBeCloseTo(clipped(model, 'cost'), 3);
      expect(byModel[model].inferenceUnitHours).toBeCloseTo(clipped(model, 'inferenceUnitHours'), 3);
    }
    expect(byModel['pcb-line-1']).toMatchObject({
      from: '2027-02-28T23:00:00.000Z',
      to: '2027-03-31T22:00:00.000Z',
      hoursInMonth: 743,
      aroundTheClockCost: 743 * 2 * 4,
      runs: 3,
      failed: 1,
      late: 1,
      budgetBlocked: 0,
    });
    expect(byModel['pcb-line-1'].hostedHours).toBeCloseTo(2255 / 60, 4);
    expect(byModel['pcb-line-1'].cost).toBeCloseTo(pcbCost, 4);
    expect(byModel['night-inspection']).toMatchObject({ runs: 2, failed: 0, late: 0 });
    expect(byModel['night-inspection'].cost).toBeCloseTo(nightCost, 4);
    expect(json.totals.cost).toBeCloseTo(pcbCost + nightCost, 4);
    // Each figure is rounded to 4 decimals on its own, so their sum may differ in the last digit.
    expect(json.totals.cost).toBeCloseTo(byModel['pcb-line-1'].cost + byModel['night-inspection'].cost, 3);
    expect(json.totals.aroundTheClockCost).toBe(743 * 8 + 743 * 4);
    expect(json.totals.saving).toBeCloseTo(743 * 12 - pcbCost - nightCost, 4);
    expect(json.totals).toMatchObject({ runs: 5, failed: 1, late: 1, budgetBlocked: 0 });
    expect(json.budgets).toEqual([
      expect.objectContaining({
        scope: 'model',
        name: 'pcb-line-1',
        unit: 'usd',
        limit: 500,
        exceeds: false,
      }),
      expect.objectContaining({
        scope: 'schedule',
        name: 'weekend-night',
        models: ['night-inspection'],
        unit: 'inferenceUnitHours',
        limit: 80,
        exceeds: false,
      }),
    ]);
    expect(json.budgets[0].spent).toBeCloseTo(pcbCost, 4);
    expect(json.budgets[1].spent).toBeCloseTo(1333 / 60, 4);
  });

  it('prints an aligned table with a total row and the budget used, without colour off a terminal', async () => {
    // Prepare
    const { io, out, err } = captureOnTables();

    // Act
    const status = await main(['report', '--month', '2027-03'], io);

    // Assess
    expect(err()).toBe('');
    expect(status).toBe(0);
    const text = out();
    expect(text).not.toContain(`${String.fromCharCode(27)}[`);
    const lines = text.split('\n');
    const header = lines.find((line) => line.startsWith('MODEL'));
    const total = lines.find((line) => line.startsWith('total'));
    expect(header).toMatch(
      /HOSTED H +UNIT-H +COST +24\/7 COST +SAVING +SAVING % +RUNS +FAILED +BLOCKED +LATE +BUDGET USED/,
    );
    expect(total).toContain('$389.53');
    expect(lines.find((line) => line.startsWith('pcb-line-1'))).toContain('300.67 / 500.00 USD (60 %)');
    // Right-aligned numbers end in the same column on every row.
    const costEnd = (line: string | undefined) => (line ?? '').indexOf('$389.53') + '$389.53'.length;
    expect(header?.indexOf('COST') ?? 0).toBeLessThan(costEnd(total));
  });

  it('refuses a month that is not YYYY-MM with exit 2, naming the flag and an example', async () => {
    // Prepare
    const { io, err } = captureOnTables();

    // Act
    const status = await main(['report', '--month', '2027-3'], io);

    // Assess
    expect(status).toBe(2);
    expect(err()).toMatch(/--month "2027-3" is not a month; give YYYY-MM, e.g. --month 2027-03/);
  });

  describe('--html', () => {
    let dir: string;
    let file: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'shiftctl-report-'));
      file = join(dir, 'report-2027-03.html');
      const { io, err } = captureOnTables();
      const status = await main(['report', '--month', '2027-03', '--html', file], io);
      if (status !== 0) throw new Error(`report --html exited ${status}: ${err()}`);
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes one self-contained page with a chart per model and a cost chart', () => {
      // Act
      const html = readFileSync(file, 'utf8');

      // Assess
      expect(readdirSync(dir)).toEqual(['report-2027-03.html']);
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<title>Shift report 2027-03</title>');
      expect(html).toContain('March 2027');
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
      // One timeline per model and the cost chart.
      expect(html.match(/<svg class="chart"/g)).toHaveLength(3);
      expect(html).toContain('Timeline of pcb-line-1 in 2027-03');
      expect(html).toContain('Timeline of night-inspection in 2027-03');
      expect(html).toContain('Cost per model in 2027-03');
      expect(html).toContain('hosted 14 min after early began');
      expect(html).toContain('early failed: model FAILED while hosted');
    });

    it.skipIf(!existsSync(CHROMIUM))(
      'renders in headless Chromium to a screenshot that is not blank',
      async () => {
        // Prepare
        const png = join(dir, 'screenshot.png');
        const profile = mkdtempSync(join(tmpdir(), 'shiftctl-chromium-'));

        // Act
        await promisify(execFile)(
          CHROMIUM,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            `--user-data-dir=${profile}`,
            `--screenshot=${png}`,
            '--window-size=1280,1600',
            pathToFileURL(file).href,
          ],
          { timeout: 60_000 },
        );
        rmSync(profile, { recursive: true, force: true });

        // Assess
        expect(statSync(png).size).toBeGreaterThan(20_000);
        const image = decodePng(readFileSync(png));
        expect(image.width).toBe(1280);
        const colours = new Set<number>();
        let coloured = 0;
        for (let i = 0; i < image.pixels.length; i += image.channels) {
          const [r = 0, g = 0, b = 0] = image.pixels.subarray(i, i + 3);
          colours.add((r << 16) | (g << 8) | b);
          // The page background is #f1f5f9 and cards are white: count what is neither.
          if (!(r >= 0xf0 && g >= 0xf0 && b >= 0xf0)) coloured += 1;
        }
        expect(colours.size).toBeGreaterThan(50);
        expect(coloured / (image.width * image.height)).toBeGreaterThan(0.03);
      },
    );
  });
});

/** Decodes an 8-bit RGB or RGBA PNG (what Chromium writes) into unfiltered pixel bytes. */
const decodePng = (data: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } => {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8) throw new Error(`bit depth ${body[8]} not supported`);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`colour type ${body[9]} not supported`);
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = Math.floor((left + up) / 2);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
};
