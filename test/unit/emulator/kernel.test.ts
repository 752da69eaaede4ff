import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import {
  EmulatorKernel,
  type FaultErrors,
  type HostedModel,
  startDraw,
  stopDraw,
} from '../../../src/emulator/kernel.ts';
import { ServiceError } from '../../../src/emulator/service-error.ts';
import { restJson } from '../../../src/emulator/wire.ts';

/** A service of two operations and five statuses: enough to drive the kernel without an engine. */
type Api = 'Start' | 'Describe';
type Status = 'READY' | 'STARTING' | 'UP' | 'STOPPING' | 'BROKEN';
const minute = 60_000;
const statuses = { starting: 'STARTING', hosted: 'UP', failed: 'BROKEN' } as const;
const errors: FaultErrors<Api, 'Throttled' | 'Denied'> = {
  throttled: (api, message, retryAfterSeconds) =>
    new ServiceError('Throttled', `${api}: ${message}`, 429, {}, retryAfterSeconds),
  internal: () => new ServiceError('Internal', 'internal', 500),
  injected: (spec, scope) => new ServiceError(spec.error, `for ${scope.name ?? 'any'}`, 403),
};

const setup = () => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const kernel = new EmulatorKernel<Api, 'Throttled' | 'Denied', { name: string }, { name?: string }>(
    { clock, startLatency: 10 * minute, requestsPerSecond: Number.POSITIVE_INFINITY },
    restJson,
    errors,
  );
  const model: HostedModel<Status> = { phase: { status: 'READY' }, latencies: {}, failNextStarts: 0 };
  return { clock, kernel, model };
};

describe('the emulator kernel on its own', () => {
  it('settles each transition at its own instant and bills until the stop completes or the start fails', () => {
    // Prepare
    const { clock, kernel, model } = setup();
    const at = () => clock.now().getTime();
    kernel.beginStart(model, { name: 'a' }, { min: 2 }, at(), statuses);
    clock.advance(30 * minute);
    kernel.settle(model, at());
    const hosted = model.phase.status;
    kernel.beginStop(model, at(), { stopping: 'STOPPING', stopped: 'READY' });
    clock.advance(10 * minute);
    kernel.settle(model, at());
    model.failNextStarts = 1;
    kernel.beginStart(model, { name: 'a' }, { min: 3 }, at(), statuses);

    // Act
    clock.advance(60 * minute);
    kernel.settle(model, at());
    const ledger = kernel.ledger((billed) => billed.name);

    // Assess: hosted after 10 minutes, stopped 2 minutes after 04:30, the second start failed after 10.
    expect(hosted).toBe('UP');
    expect(model.phase).toEqual({ status: 'BROKEN' });
    expect(ledger.runs.map((run) => [run.outcome, run.unitMinutes])).toEqual([
      ['stopped', 2 * 32],
      ['failed', 3 * 10],
    ]);
    expect(ledger.unitMinutesByModel).toEqual({ a: 94 });
  });

  it('answers a scripted fault only for the requests it names, and records every answer', () => {
    // Prepare
    const { kernel } = setup();
    const onlyForB = { api: 'Describe', error: 'Denied', name: 'b' } as const;
    kernel.injectError(onlyForB);
    const describe = (name: string) =>
      kernel.answer({ api: 'Describe', scope: { name }, fields: { name } }, () => ({
        response: { httpStatus: 200, body: {} },
        outcome: 'ok',
      }));

    // Act
    const other = describe('a');
    const named = describe('b');
    const again = describe('b');

    // Assess
    expect([other.httpStatus, named.httpStatus, again.httpStatus]).toEqual([200, 403, 200]);
    expect(named.headers).toMatchObject({ 'x-amzn-ErrorType': 'Denied' });
    expect(kernel.callLog().map((call) => [call.name, call.outcome])).toEqual([
      ['a', 'ok'],
      ['b', 'error'],
      ['b', 'ok'],
    ]);
  });

  it('under keyed draws, gives the k-th start and stop of a model the same draw whatever else was asked', () => {
    // Prepare: two runs of the same seed; the second asks in another order, with other requests between.
    type Named = HostedModel<Status> & { name: string };
    const latency = { kind: 'lognormal', medianMs: 15 * minute, p95Ms: 28 * minute } as const;
    const run = (order: readonly string[], noise: number) => {
      const clock = new VirtualClock('2027-03-26T04:00:00Z');
      const kernel = new EmulatorKernel<Api, 'Throttled' | 'Denied', { name: string }, { name?: string }>(
        {
          clock,
          seed: 42,
          keyedDraws: true,
          stopLatency: { minMs: minute, maxMs: 3 * minute },
          faults: { hostingFailureProbability: 0.3, throttleProbability: 0.2 },
          requestsPerSecond: Number.POSITIVE_INFINITY,
        },
        restJson,
        errors,
        (model) => (model as Named).name,
      );
      const models = new Map<string, Named>(
        ['a', 'b'].map((name) => [
          name,
          { name, phase: { status: 'READY' }, latencies: { start: latency }, failNextStarts: 0 },
        ]),
      );
      const seen: Record<string, { start: number; failed: boolean; stop: number }[]> = { a: [], b: [] };
      for (const name of order) {
        for (let i = 0; i < noise; i += 1) {
          kernel.answer({ api: 'Describe', scope: { name: 'c' }, fields: {} }, () => ({
            response: { httpStatus: 200, body: {} },
            outcome: 'ok',
          }));
        }
        const model = models.get(name) as Named;
        const now = clock.now().getTime();
        kernel.beginStart(model, { name }, { min: 1 }, now, statuses);
        const phase = model.phase as { until: number; becomes: Status };
        kernel.beginStop(model, now, { stopping: 'STOPPING', stopped: 'READY' });
        const stop = (model.phase as { until: number }).until - now;
        model.phase = { status: 'READY' };
        seen[name]?.push({ start: phase.until - now, failed: phase.becomes === 'BROKEN', stop });
      }
      return seen;
    };

    // Act
    const first = run(['a', 'a', 'b', 'a', 'b'], 0);
    const second = run(['b', 'b', 'a', 'a', 'a'], 3);

    // Assess: the same draws per (model, k), and the ones startDraw and stopDraw read ahead.
    expect(second).toEqual(first);
    const ahead = ['a', 'b'].map((name) =>
      (first[name] ?? []).map((_, index) => {
        const drawn = startDraw(42, name, index + 1, latency, 0.3);
        return {
          start: drawn.latencyMs,
          failed: drawn.fails,
          stop: stopDraw(42, name, index + 1, { minMs: minute, maxMs: 3 * minute }),
        };
      }),
    );
    expect(ahead).toEqual([first.a, first.b]);
    expect(new Set(first.a?.map((draw) => draw.start)).size).toBe(3);
  });
});
