import { describe, expect, it } from 'vitest';
import { oracleActions } from '../../../bench/month/oracle.ts';
import { startDraw } from '../../../src/emulator/kernel.ts';
import type { Run } from '../../../src/schedule/runs.ts';

const minute = 60_000;
const at = (iso: string) => new Date(iso);

const runOf = (start: string, end: string): Run => ({
  model: 'm',
  runId: `m@${start}`,
  schedule: 's',
  windows: [],
  start: at(start),
  end: at(end),
  startAt: at(start),
  lead: { minutes: 0, source: 'fixed', samples: 0 },
  minInferenceUnits: 1,
});

const model = {
  key: 'line-1/1',
  startLatency: { kind: 'fixed', ms: 12 * minute },
  stopLatency: { kind: 'fixed', ms: 2 * minute },
} as const;
const noFailures = { seed: 1, hostingFailureProbability: 0 };
const from = at('2027-01-04T00:00:00Z').getTime();

describe('the oracle', () => {
  it('sends each start exactly its latency before the run and the stop at its end', () => {
    // Act
    const actions = oracleActions(
      model,
      [
        runOf('2027-01-04T06:00:00Z', '2027-01-04T14:00:00Z'),
        runOf('2027-01-05T06:00:00Z', '2027-01-05T14:00:00Z'),
      ],
      noFailures,
      from,
    );

    // Assess
    expect(actions.map((action) => [action.action, new Date(action.at).toISOString()])).toEqual([
      ['start', '2027-01-04T05:48:00.000Z'],
      ['stop', '2027-01-04T14:00:00.000Z'],
      ['start', '2027-01-05T05:48:00.000Z'],
      ['stop', '2027-01-05T14:00:00.000Z'],
    ]);
  });

  it('keeps the model running over a break shorter than a stop and a start, and stops over a longer one', () => {
    // Act: 10 minutes of break < 2 + 12; 20 minutes > 2 + 12.
    const short = oracleActions(
      model,
      [
        runOf('2027-01-04T06:00:00Z', '2027-01-04T10:00:00Z'),
        runOf('2027-01-04T10:10:00Z', '2027-01-04T14:00:00Z'),
      ],
      noFailures,
      from,
    );
    const long = oracleActions(
      model,
      [
        runOf('2027-01-04T06:00:00Z', '2027-01-04T10:00:00Z'),
        runOf('2027-01-04T10:20:00Z', '2027-01-04T14:00:00Z'),
      ],
      noFailures,
      from,
    );

    // Assess
    expect(short.map((action) => action.action)).toEqual(['start', 'stop']);
    expect(long.map((action) => [action.action, new Date(action.at).toISOString()])).toEqual([
      ['start', '2027-01-04T05:48:00.000Z'],
      ['stop', '2027-01-04T10:00:00.000Z'],
      ['start', '2027-01-04T10:08:00.000Z'],
      ['stop', '2027-01-04T14:00:00.000Z'],
    ]);
  });

  it('starts early enough for a start that will fail and its retry, each sent as the one before ends', () => {
    // Prepare: a seed whose first start of the model fails and whose second succeeds.
    const draws = { seed: 0, hostingFailureProbability: 0.5 };
    while (
      !startDraw(draws.seed, model.key, 1, model.startLatency, 0.5).fails ||
      startDraw(draws.seed, model.key, 2, model.startLatency, 0.5).fails
    ) {
      draws.seed += 1;
    }

    // Act
    const actions = oracleActions(
      model,
      [runOf('2027-01-04T06:00:00Z', '2027-01-04T14:00:00Z')],
      draws,
      from,
    );

    // Assess: the failed attempt takes its 12 minutes, the retry its 12, HOSTED at 06:00.
    expect(actions.map((action) => [action.action, new Date(action.at).toISOString()])).toEqual([
      ['start', '2027-01-04T05:36:00.000Z'],
      ['start', '2027-01-04T05:48:00.000Z'],
      ['stop', '2027-01-04T14:00:00.000Z'],
    ]);
  });
});
