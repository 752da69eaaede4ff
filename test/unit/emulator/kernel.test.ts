import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import { EmulatorKernel, type FaultErrors, type HostedModel } from '../../../src/emulator/kernel.ts';
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
});
