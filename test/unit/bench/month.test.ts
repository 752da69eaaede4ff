import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMonthArgs } from '../../../bench/month/params.ts';
import { knownLatencyLeads, runMonth } from '../../../bench/month/run-month.ts';
import { run } from '../../../bench/month.ts';
import { isSchedulerError } from '../../../src/errors.ts';

const figureKeys = [
  'controlPlaneCalls',
  'costUsd',
  'coverage',
  'lateStarts',
  'missedShiftMinutes',
  'outsideShiftRatioToOracle',
  'shiftMinutes',
  'unitHoursInShift',
  'unitHoursOutsideShift',
];

const quietly = async <T>(act: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try {
    return await act();
  } finally {
    console.log = log;
  }
};

describe('npm run bench -- month', () => {
  it('writes the params and the five strategies with every figure, and the oracle covers every shift minute', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'month-bench-'));
    const file = join(folder, 'month.json');

    try {
      // Act
      await quietly(() =>
        run(
          [
            '--days',
            '3',
            '--models',
            '4',
            '--projects',
            '2',
            '--latency',
            'fixed:12',
            '--throttle',
            '0',
          ].concat(['--hosting-failed', '0', '--seed', '7', '--json', file]),
        ),
      );
      const written = JSON.parse(await readFile(file, 'utf8')) as {
        params: Record<string, unknown>;
        strategies: Record<string, Record<string, number>>;
      };

      // Assess
      expect(Object.keys(written).sort()).toEqual(['params', 'strategies']);
      expect(written.params).toMatchObject({ days: 3, models: 4, seed: 7, latency: 'fixed:12' });
      expect(Object.keys(written.strategies)).toEqual([
        'scheduler',
        'fixed-lead',
        'edge-cron',
        'reconciler',
        'oracle',
      ]);
      for (const figures of Object.values(written.strategies))
        expect(Object.keys(figures).sort()).toEqual(figureKeys);
      const { oracle } = written.strategies;
      expect(oracle?.shiftMinutes).toBeGreaterThan(0);
      expect(oracle?.coverage).toBe(1);
      expect(oracle?.lateStarts).toBe(0);
      expect(oracle?.outsideShiftRatioToOracle).toBe(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps the oracle on time through throttling and starts that fail, since it knows them', async () => {
    // Act
    const report = await runMonth(
      parseMonthArgs(
        ['--days', '2', '--models', '6', '--projects', '2', '--latency', 'uniform:4-16'].concat([
          '--throttle',
          '0.2',
          '--hosting-failed',
          '0.3',
        ]),
      ),
      { only: ['edge-cron'] },
    );

    // Assess: the same draws leave the cron late, the oracle never.
    expect(report.strategies.oracle.coverage).toBe(1);
    expect(report.strategies.oracle.lateStarts).toBe(0);
    expect(report.strategies['edge-cron'].lateStarts).toBeGreaterThan(0);
    expect(report.strategies['edge-cron'].shiftMinutes).toBe(report.strategies.oracle.shiftMinutes);
  }, 120_000);

  it('adds known-latency only when asked, with every figure', async () => {
    // Act
    const args = ['--days', '2', '--models', '3', '--projects', '1', '--latency', 'fixed:12'];
    const asked = await runMonth(parseMonthArgs([...args, '--known-latency']), { only: ['edge-cron'] });
    const plain = await runMonth(parseMonthArgs(args), { only: ['edge-cron'] });

    // Assess
    expect(Object.keys(asked.strategies)).toEqual(['edge-cron', 'oracle', 'known-latency']);
    expect(Object.keys(asked.strategies['known-latency'] ?? {}).sort()).toEqual(figureKeys);
    expect(Object.keys(plain.strategies)).toEqual(['edge-cron', 'oracle']);
  }, 120_000);

  it('gives known-latency the lead the rule takes on the true latency: 12 fixed minutes less the allowance', () => {
    // Prepare: starts that always take 12 minutes and never fail; S is each model's usual run.
    const params = parseMonthArgs(['--latency', 'fixed:12', '--hosting-failed', '0']);
    const run = (minutes: number) => ({
      windows: [{ start: new Date(0), end: new Date(minutes * 60_000) }],
    });
    const models = [
      { id: 'eight-hours', key: 'a/1', startLatency: 12 * 60_000, runs: [run(480), run(480), run(240)] },
      { id: 'four-hours', key: 'a/2', startLatency: 12 * 60_000, runs: [run(240)] },
    ];

    // Act
    const leads = knownLatencyLeads(params, models as never, { defaults: {} } as never);

    // Assess: E[(12 − L)+] = 12 − L ≤ 0.005·S, so L = ⌈12 − 0.005·S⌉.
    expect(leads).toEqual({ 'eight-hours': 10, 'four-hours': 11 });
  });

  it('refuses a bad flag with exit status 2, naming it', () => {
    // Act
    const refusals = [
      ['--models', 'many'],
      ['--throttle', '2'],
      ['--latency', 'lognormal:p95=3'],
      ['--colour'],
    ].map((args) => {
      try {
        parseMonthArgs(args);
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    expect(refusals.every((error) => isSchedulerError(error) && error.exitStatus === 2)).toBe(true);
    expect(refusals.map((error) => (error as Error).message.split(':')[0])).toEqual([
      '--models',
      '--throttle',
      '--latency',
      'month',
    ]);
  });
});
