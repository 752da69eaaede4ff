/**
 * A reconcile pass against in-memory stores and a scripted host: how it keeps to the time it has,
 * reports each model as soon as it is decided, and drops events that arrive too late.
 */
import { describe, expect, it } from 'vitest';
import {
  eventToleranceMs,
  type ModelOutcome,
  type PassHeader,
  type ReconcileDeps,
  reconcile,
  reconcileOnTime,
} from '../../../src/app/reconcile.ts';
import { reconcileEdge } from '../../../src/app/shift-edge.ts';
import {
  type Accepted,
  type CallOptions,
  HostingError,
  type ModelHost,
  type ModelRef,
  type Observation,
} from '../../../src/hosting/model-host.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { refKey } from '../../../src/providers/registry.ts';
import { InMemoryConfigRepository } from '../../../src/store/in-memory-config-repository.ts';
import { InMemoryRunRepository } from '../../../src/store/in-memory-run-repository.ts';

const lines = ['line-1', 'line-2', 'line-3'];

/** Three models on one daily shift, so all of them are wanted on at `at`. */
const configText = `
version: 1
defaults:
  timezone: Europe/Berlin
  leadMinutes: 20
  pricePerInferenceUnitHour: 4.0
schedules:
  all-day:
    shifts:
      - name: day
        days: mon-sun
        start: "06:00"
        end: "22:00"
        minInferenceUnits: 1
models:
${lines
  .map(
    (id) => `  - id: ${id}
    provider: lookoutvision
    projectName: ${id}
    modelVersion: "1"
    schedule: all-day`,
  )
  .join('\n')}
`;

const at = new Date('2027-03-26T09:00:00Z');

/** Resolves once `signal` aborts, as an SDK call on a connection that never answers would. */
const untilAborted = (signal: AbortSignal | undefined): Promise<never> =>
  new Promise((_, reject) => {
    const abort = () => reject(new HostingError('Aborted', 'StartModel: aborted', { retryable: true }));
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
  });

/** Every model stopped; starts are accepted, except those of `hangsOn`, which never get an answer. */
class HangingHost implements ModelHost {
  readonly provider = 'lookoutvision' as const;
  readonly supportsClientToken = true;
  readonly started: string[] = [];

  constructor(private readonly hangsOn: string) {}

  async observe(ref: ModelRef): Promise<Observation> {
    return { ref, state: 'stopped', rawStatus: 'TRAINED' };
  }

  async observeMany(refs: readonly ModelRef[]): Promise<Map<string, Observation>> {
    return new Map(refs.map((ref) => [refKey(ref), { ref, state: 'stopped', rawStatus: 'TRAINED' }]));
  }

  async start(ref: ModelRef, _request: unknown, options: CallOptions = {}): Promise<Accepted> {
    if (ref.provider === 'lookoutvision' && ref.projectName === this.hangsOn) {
      return untilAborted(options.signal);
    }
    this.started.push(refKey(ref));
    return { rawStatus: 'STARTING_HOSTING', state: 'starting' };
  }

  async stop(): Promise<Accepted> {
    return { rawStatus: 'STOPPING_HOSTING', state: 'stopping' };
  }
}

const scheduler = async (host: ModelHost): Promise<ReconcileDeps> => {
  const configs = new InMemoryConfigRepository();
  await configs.apply(parseShiftsText(configText, 'shifts.yml'), {
    source: 'shifts.yml',
    appliedAt: at.toISOString(),
    expectedVersion: undefined,
  });
  return {
    configs,
    runs: new InMemoryRunRepository(),
    hosts: { lookoutvision: host },
    sleep: async () => {},
  };
};

describe('a pass with a deadline', () => {
  it('logs the other models and returns before the deadline when the host hangs for one', async () => {
    // Prepare: 1.5 s left in the invocation, 0.3 s of it kept free
    const host = new HangingHost('line-2');
    const deadline = Date.now() + 1_500;
    const logged: { outcome: ModelOutcome; pass: PassHeader; loggedAt: number }[] = [];
    const deps: ReconcileDeps = {
      ...(await scheduler(host)),
      timeLeft: () => deadline - Date.now(),
      deadlineMarginMs: 300,
      onOutcome: (outcome, pass) => logged.push({ outcome, pass, loggedAt: Date.now() }),
    };

    // Act
    const report = await reconcile(deps, { at });
    const returnedAt = Date.now();

    // Assess
    expect(returnedAt).toBeLessThan(deadline);
    expect(host.started).toEqual(['lookoutvision:line-1/1', 'lookoutvision:line-3/1']);
    expect(report.outcomes.map(({ model, result }) => [model, result])).toEqual([
      ['line-1', 'sent'],
      ['line-2', 'deferred'],
      ['line-3', 'sent'],
    ]);
    expect(report.outcomes[1]).toMatchObject({
      action: 'start',
      desired: 'on',
      reason: expect.stringContaining('share of the pass'),
    });
    // Each line is out as soon as its model is decided: the hanging one comes last.
    expect(logged.map(({ outcome }) => outcome.model)).toEqual(['line-1', 'line-3', 'line-2']);
    expect(logged[0]?.pass).toEqual({ at, trigger: 'tick', configVersion: 1 });
    expect(logged[1]?.loggedAt).toBeLessThan(deadline - 1_000);
  }, 10_000);

  it('defers every model without calling the host when no time is left', async () => {
    // Prepare
    const host = new HangingHost('none');
    const logged: ModelOutcome[] = [];
    const deps: ReconcileDeps = {
      ...(await scheduler(host)),
      timeLeft: () => 2_000,
      deadlineMarginMs: 2_000,
      onOutcome: (outcome) => logged.push(outcome),
    };

    // Act
    const report = await reconcile(deps, { at });

    // Assess
    expect(host.started).toEqual([]);
    expect(report.outcomes.map((outcome) => outcome.result)).toEqual(['deferred', 'deferred', 'deferred']);
    expect(logged.map((outcome) => outcome.model)).toEqual(lines);
  });

  it('gives a model the time of the ones before it that finished early', async () => {
    // Prepare: the last model hangs; the two before it take no time, so it gets nearly all of it
    const host = new HangingHost('line-3');
    const deadline = Date.now() + 1_200;
    const deps: ReconcileDeps = {
      ...(await scheduler(host)),
      timeLeft: () => deadline - Date.now(),
      deadlineMarginMs: 200,
    };

    // Act
    const report = await reconcile(deps, { at });
    const returnedAt = Date.now();

    // Assess
    expect(report.outcomes.map((outcome) => outcome.result)).toEqual(['sent', 'sent', 'deferred']);
    expect(returnedAt).toBeGreaterThan(deadline - 200 - 150);
    expect(returnedAt).toBeLessThan(deadline);
  }, 10_000);
});

describe('an event that arrives late', () => {
  it.each([
    ['decides at the tolerance', eventToleranceMs, 3],
    ['drops one a millisecond past it', eventToleranceMs + 1, 0],
  ])('%s', async (_, lateMs, started) => {
    // Prepare
    const host = new HangingHost('none');
    const deps = await scheduler(host);
    const now = new Date(at.getTime() + lateMs);

    // Act
    const report = await reconcileOnTime(deps, { at }, now);

    // Assess
    expect(report === undefined).toBe(started === 0);
    expect(host.started).toHaveLength(started);
  });

  it('holds a shift edge to the same tolerance as the tick', async () => {
    // Prepare
    const host = new HangingHost('none');
    const deps = await scheduler(host);
    const edge = { schedule: 'all-day', edge: 'start' as const, shifts: [], scheduledTime: at.toISOString() };

    // Act
    const onTime = await reconcileEdge(deps, edge, new Date(at.getTime() + eventToleranceMs));
    const late = await reconcileEdge(deps, edge, new Date(at.getTime() + eventToleranceMs + 1));

    // Assess
    expect(onTime?.outcomes).toHaveLength(3);
    expect(late).toBeUndefined();
  });
});
