import { describe, expect, it } from 'vitest';
import {
  clientTokenFor,
  type DecisionInput,
  decide,
  defaultPolicy,
  type WantedRun,
} from '../../../src/app/decide.ts';
import { HostingError, type Observation, type ObservedState } from '../../../src/hosting/model-host.ts';
import type { RunRecord } from '../../../src/store/run-record.ts';
import { aRun } from '../../support/builders.ts';

const ref = { provider: 'lookoutvision', projectName: 'circuit-boards', modelVersion: '3' } as const;
const observed = (state: ObservedState, message?: string): Observation => ({
  ref,
  state,
  ...(message ? { message } : {}),
});

const wanted: WantedRun = {
  runId: 'pcb-line-1@2027-03-26T05:00:00.000Z',
  origin: 'schedule',
  schedule: 'weekday-two-shift',
  windows: [
    { shift: 'early', start: new Date('2027-03-26T05:00:00Z'), end: new Date('2027-03-26T13:00:00Z') },
  ],
  startAt: new Date('2027-03-26T04:40:00Z'),
  end: new Date('2027-03-26T13:00:00Z'),
  minInferenceUnits: 2,
  maxInferenceUnits: 4,
};

const input = (overrides: Partial<DecisionInput>): DecisionInput => ({
  at: new Date('2027-03-26T04:40:00Z'),
  model: 'pcb-line-1',
  pricePerInferenceUnitHour: 4,
  desired: { state: 'on', reason: 'in run', run: wanted },
  observed: observed('stopped'),
  open: [],
  wantedRecords: [],
  policy: defaultPolicy,
  ...overrides,
});

const off = { state: 'off', reason: 'no shift' } as const;

const startedRun = (attempt: number, extra: Partial<RunRecord> = {}): RunRecord =>
  aRun({
    outcome: 'starting',
    starts: Array.from({ length: attempt }, (_, index) => ({
      attempt: index + 1,
      clientToken: clientTokenFor('pcb-line-1', wanted.runId, 'start', index + 1),
      intendedAt: '2027-03-26T04:40:00.000Z',
      acceptedAt: '2027-03-26T04:40:00.000Z',
    })),
    billedFrom: '2027-03-26T04:40:00.000Z',
    revision: 2,
    ...extra,
  });

describe('decide: starting a wanted run', () => {
  it('starts a stopped model with the run’s units and records the intent before the call', () => {
    const decision = decide(input({}));
    expect(decision.action).toBe('start');
    expect(decision.call).toMatchObject({
      action: 'start',
      attempt: 1,
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
      repair: false,
    });
    const [written] = decision.writes;
    expect(written?.outcome).toBe('starting');
    expect(written?.starts).toEqual([
      { attempt: 1, clientToken: decision.call?.clientToken, intendedAt: '2027-03-26T04:40:00.000Z' },
    ]);
  });

  it('derives the same client token for the same run and attempt, and another for the next attempt', () => {
    const first = decide(input({})).call?.clientToken;
    const again = decide(input({ at: new Date('2027-03-26T04:41:00Z') })).call?.clientToken;
    expect(first).toBe(again);
    expect(first).toMatch(/^[a-zA-Z0-9-]{1,64}$/);
    expect(clientTokenFor('pcb-line-1', wanted.runId, 'start', 2)).not.toBe(first);
  });

  it('keeps the instant it last saw the model starting, once per instant, and never an older one', () => {
    const run = startedRun(1);
    const at = new Date('2027-03-26T04:50:00Z');
    const seen = decide(input({ at, observed: observed('starting'), open: [run], wantedRecords: [run] }));
    expect(seen.action).toBe('wait');
    expect(seen.writes.at(-1)?.startingSeenAt).toBe('2027-03-26T04:50:00.000Z');

    const later = startedRun(1, { startingSeenAt: '2027-03-26T04:55:00.000Z' });
    const late = decide(input({ at, observed: observed('starting'), open: [later], wantedRecords: [later] }));
    expect(late.writes).toEqual([]);
  });

  it('waits while another pass holds a fresh intent without an answer', () => {
    const inFlight = aRun({
      outcome: 'starting',
      starts: [{ attempt: 1, clientToken: 't', intendedAt: '2027-03-26T04:40:00.000Z' }],
    });
    const decision = decide(
      input({ at: new Date('2027-03-26T04:40:30Z'), open: [inFlight], wantedRecords: [inFlight] }),
    );
    expect(decision).toMatchObject({ action: 'wait', writes: [] });
  });

  it('sends an intent again with the same token once the pass that wrote it is gone', () => {
    const token = clientTokenFor('pcb-line-1', wanted.runId, 'start', 1);
    const crashed = aRun({
      outcome: 'starting',
      starts: [{ attempt: 1, clientToken: token, intendedAt: '2027-03-26T04:40:00.000Z' }],
    });
    const decision = decide(
      input({ at: new Date('2027-03-26T04:45:00Z'), open: [crashed], wantedRecords: [crashed] }),
    );
    expect(decision.call).toMatchObject({ action: 'start', attempt: 1, clientToken: token, repair: true });
  });

  it('retries a failed hosting with a new attempt token, then gives up loudly after the limit', () => {
    const once = startedRun(1);
    const retry = decide(
      input({
        at: new Date('2027-03-26T04:50:00Z'),
        observed: observed('failed', 'boom'),
        open: [once],
        wantedRecords: [once],
      }),
    );
    expect(retry.call).toMatchObject({
      attempt: 2,
      clientToken: clientTokenFor('pcb-line-1', wanted.runId, 'start', 2),
    });

    const exhausted = startedRun(3);
    const giveUp = decide(
      input({
        at: new Date('2027-03-26T04:50:00Z'),
        observed: observed('failed', 'boom'),
        open: [exhausted],
        wantedRecords: [exhausted],
      }),
    );
    expect(giveUp.call).toBeUndefined();
    expect(giveUp.alert).toBe(true);
    expect(giveUp.writes[0]).toMatchObject({ outcome: 'failed', billedUntil: '2027-03-26T04:50:00.000Z' });
  });

  it('marks the run hosted the first time it is observed hosted, and then does nothing', () => {
    const run = startedRun(1);
    const first = decide(
      input({
        at: new Date('2027-03-26T04:55:00Z'),
        observed: observed('hosted'),
        open: [run],
        wantedRecords: [run],
      }),
    );
    expect(first.writes[0]).toMatchObject({ outcome: 'hosted', hostedAt: '2027-03-26T04:55:00.000Z' });
    const hosted = first.writes[0] as RunRecord;
    const later = decide(input({ observed: observed('hosted'), open: [hosted], wantedRecords: [hosted] }));
    expect(later).toMatchObject({ action: 'none', writes: [] });
  });

  it('waits while the model starts, stops or updates', () => {
    const run = startedRun(1);
    for (const state of ['starting', 'stopping', 'updating'] as const) {
      expect(decide(input({ observed: observed(state), open: [run], wantedRecords: [run] })).action).toBe(
        'wait',
      );
    }
  });

  it('blocks a start that would exceed the budget, and says why', () => {
    const decision = decide(
      input({ budgetExceeded: 'model budget for 2027-03: 100.00 USD spent + 68.00 USD > 150.00 USD' }),
    );
    expect(decision.call).toBeUndefined();
    expect(decision.alert).toBe(true);
    expect(decision.writes[0]).toMatchObject({
      outcome: 'budget-blocked',
      note: expect.stringContaining('150.00 USD'),
    });
  });

  it('does not start a run that is already failed or budget-blocked', () => {
    const blocked = aRun({ outcome: 'budget-blocked' });
    expect(decide(input({ wantedRecords: [blocked] }))).toMatchObject({ action: 'none', writes: [] });
  });

  it('starts a budget-blocked run after all when an override turns the model on', () => {
    const blocked = aRun({ outcome: 'budget-blocked' });
    const decision = decide(input({ wantedRecords: [blocked], overrideOn: true }));
    expect(decision.call).toMatchObject({ action: 'start', runId: `${wanted.runId}~2`, attempt: 1 });
  });

  it('fails the run and alerts once when the service does not know the model', () => {
    const decision = decide(input({ observed: observed('missing') }));
    expect(decision.alert).toBe(true);
    expect(decision.writes[0]).toMatchObject({
      outcome: 'failed',
      errors: [expect.objectContaining({ code: 'ResourceNotFound' })],
    });
  });

  it('fails the run with the reason the service gives when the model can never be started', () => {
    const why = 'the model version has expired and can no longer be started';
    const decision = decide(input({ observed: observed('missing', why) }));
    expect(decision.alert).toBe(true);
    expect(decision.reason).toContain(why);
    expect(decision.writes[0]).toMatchObject({ outcome: 'failed', note: why });
  });

  it('waits for a copy in progress without failing the run, and says so', () => {
    const why = 'the model is being copied; it can be started once the copy completes';
    const on = decide(input({ observed: observed('updating', why) }));
    const offDecision = decide(input({ desired: off, observed: observed('updating', why) }));
    for (const decision of [on, offDecision]) {
      expect(decision).toMatchObject({ action: 'wait', writes: [] });
      expect(decision.reason).toContain(why);
      expect(decision.alert).toBeUndefined();
    }
  });

  it('waits without writing when the model cannot be observed', () => {
    const decision = decide(input({ observed: new HostingError('Throttling', 'slow down') }));
    expect(decision).toMatchObject({ action: 'wait', writes: [] });
    expect(decision.alert).toBeUndefined();
  });
});

describe('decide: hand-over between runs', () => {
  it('hands a running model over to the next run with the same units, without a restart', () => {
    const previous = startedRun(1, {
      runId: 'pcb-line-1@2027-03-25T21:00:00.000Z',
      outcome: 'hosted',
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
    });
    const decision = decide(input({ observed: observed('hosted'), open: [previous] }));
    expect(decision.call).toBeUndefined();
    expect(decision.writes.map((run) => [run.runId, run.outcome])).toEqual([
      [previous.runId, 'completed'],
      [wanted.runId, 'hosted'],
    ]);
  });

  it('stops a running model to restart it when the next run needs other units', () => {
    const previous = startedRun(1, {
      runId: 'pcb-line-1@2027-03-25T21:00:00.000Z',
      outcome: 'hosted',
      minInferenceUnits: 1,
    });
    delete (previous as Partial<RunRecord>).maxInferenceUnits;
    const decision = decide(input({ observed: observed('hosted'), open: [previous] }));
    expect(decision.call).toMatchObject({ action: 'stop', runId: previous.runId });
    expect(decision.reason).toMatch(/units change from 1 to 2–4/);
  });
});

describe('decide: stopping', () => {
  it('stops a hosted model when no shift wants it, recording the stop intent first', () => {
    const run = startedRun(1, { outcome: 'hosted' });
    const decision = decide(
      input({
        at: new Date('2027-03-26T13:00:00Z'),
        desired: off,
        observed: observed('hosted'),
        open: [run],
      }),
    );
    expect(decision.call).toMatchObject({
      action: 'stop',
      attempt: 1,
      clientToken: clientTokenFor('pcb-line-1', wanted.runId, 'stop', 1),
    });
    expect(decision.writes[0]?.outcome).toBe('stopping');
  });

  it('closes the run as completed once the model is observed stopped, billed until then', () => {
    const run = startedRun(1, {
      outcome: 'stopping',
      stops: [
        {
          attempt: 1,
          clientToken: 's',
          intendedAt: '2027-03-26T13:00:00.000Z',
          acceptedAt: '2027-03-26T13:00:00.000Z',
        },
      ],
    });
    const decision = decide(
      input({
        at: new Date('2027-03-26T13:05:00Z'),
        desired: off,
        observed: observed('stopped'),
        open: [run],
      }),
    );
    expect(decision.writes[0]).toMatchObject({
      outcome: 'completed',
      stoppedAt: '2027-03-26T13:05:00.000Z',
      billedUntil: '2027-03-26T13:05:00.000Z',
    });
  });

  it('takes over and stops a model found running with no run on record', () => {
    const decision = decide(
      input({ at: new Date('2027-03-26T23:00:00Z'), desired: off, observed: observed('hosted') }),
    );
    expect(decision.call?.action).toBe('stop');
    expect(decision.writes[0]).toMatchObject({
      origin: 'adopted',
      outcome: 'stopping',
      billedFrom: '2027-03-26T23:00:00.000Z',
    });
  });

  it('cancels an open run that never started once it is no longer wanted', () => {
    const run = aRun({ outcome: 'scheduled' });
    const decision = decide(input({ desired: off, observed: observed('stopped'), open: [run] }));
    expect(decision.writes[0]?.outcome).toBe('cancelled');
  });

  it('stops again, and alerts, when a model keeps running after the stops', () => {
    const stops = Array.from({ length: 5 }, (_, index) => ({
      attempt: index + 1,
      clientToken: `s${index}`,
      intendedAt: '2027-03-26T13:00:00.000Z',
      acceptedAt: '2027-03-26T13:00:00.000Z',
    }));
    const run = startedRun(1, { outcome: 'stopping', stops });
    const decision = decide(input({ desired: off, observed: observed('hosted'), open: [run] }));
    expect(decision.call).toMatchObject({ action: 'stop', attempt: 6 });
    expect(decision.alert).toBe(true);
  });
});

describe('decide: a pass for an instant before a later pass acted', () => {
  const stoppedAtEnd = startedRun(1, {
    outcome: 'stopping',
    stops: [
      {
        attempt: 1,
        clientToken: clientTokenFor('pcb-line-1', wanted.runId, 'stop', 1),
        intendedAt: '2027-03-26T13:00:00.000Z',
        acceptedAt: '2027-03-26T13:00:00.000Z',
      },
    ],
  });

  it.each(['stopped', 'stopping', 'hosted'] as const)(
    'neither starts nor rewrites a run that a pass for a later instant stopped (model %s)',
    (state) => {
      const decision = decide(
        input({
          at: new Date('2027-03-26T12:58:00Z'),
          observed: observed(state),
          open: [stoppedAtEnd],
          wantedRecords: [stoppedAtEnd],
        }),
      );
      expect(decision).toMatchObject({ action: 'wait', writes: [] });
      expect(decision.call).toBeUndefined();
      expect(decision.reason).toMatch(/stopped .* for 2027-03-26T13:00:00.000Z/);
    },
  );
});

describe('decide: an observation older than the record', () => {
  it.each(['stopped', 'failed'] as const)(
    'does not start again when the model looks %s but another pass had its start accepted a moment ago',
    (state) => {
      // Observed before the other pass's start; its record read after the start was accepted.
      const justStarted = startedRun(1);
      const decision = decide(
        input({
          at: new Date('2027-03-26T04:40:00Z'),
          observed: observed(state),
          open: [justStarted],
          wantedRecords: [justStarted],
        }),
      );
      expect(decision).toMatchObject({ action: 'wait', writes: [] });
      expect(decision.call).toBeUndefined();
    },
  );

  it('does not stop again when the model looks hosted but another pass had its stop accepted a moment ago', () => {
    const justStopped = startedRun(1, {
      outcome: 'stopping',
      stops: [
        {
          attempt: 1,
          clientToken: clientTokenFor('pcb-line-1', wanted.runId, 'stop', 1),
          intendedAt: '2027-03-26T13:00:00.000Z',
          acceptedAt: '2027-03-26T13:00:00.000Z',
        },
      ],
    });
    const decision = decide(
      input({
        at: new Date('2027-03-26T13:00:00Z'),
        desired: off,
        observed: observed('hosted'),
        open: [justStopped],
      }),
    );
    expect(decision).toMatchObject({ action: 'wait', writes: [] });
    expect(decision.call).toBeUndefined();
  });
});

describe('decide: a model deleted and created again', () => {
  const failedAsMissing = startedRun(1, {
    outcome: 'failed',
    note: 'the model is being deleted',
    errors: [
      { at: '2027-03-26T05:30:00.000Z', action: 'observe', code: 'ResourceNotFound', message: 'deleting' },
    ],
  });

  it('starts a continuation of the wanted run once the service knows the model again', () => {
    const decision = decide(
      input({ at: new Date('2027-03-26T06:00:00Z'), open: [], wantedRecords: [failedAsMissing] }),
    );
    expect(decision.call).toMatchObject({ action: 'start', runId: `${wanted.runId}~2`, attempt: 1 });
    expect(decision.writes).toEqual([expect.objectContaining({ runId: `${wanted.runId}~2` })]);
  });

  it('leaves a run that failed for another reason given up', () => {
    const gaveUp = startedRun(3, { outcome: 'failed', note: 'hosting failed after 3 starts' });
    const decision = decide(
      input({ at: new Date('2027-03-26T06:00:00Z'), open: [], wantedRecords: [gaveUp] }),
    );
    expect(decision).toMatchObject({ action: 'none', writes: [] });
  });
});
