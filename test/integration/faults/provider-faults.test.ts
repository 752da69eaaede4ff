/**
 * Fault suite: the hosting service answering 500s (the emulator's own scripted exceptions), bodies
 * the SDK cannot read (a proxy that lets the service act on the request and then garbles its
 * answer), and hanging past the Lambda's deadline (a proxy that holds the request). Each case: the
 * pass returns with the model deferred, the service has accepted at most one start per run, the
 * run holds the intent and its token, and the model is hosted within two ticks of the fault passing.
 */
import { describe, expect, it } from 'vitest';
import { alarmPoints, giveUpFailures, metricsOf, metricValue } from '../../support/fault-metrics.ts';
import type { Fault } from '../../support/fault-proxy.ts';
import {
  closingScenarios,
  expectOneStartPerRun,
  type FaultScenario,
  faultTerms,
  hostedStatus,
  outcomeOf,
} from '../../support/fault-scenario.ts';
import { berlinFriday, fridayEarlyLead } from '../../support/instants.ts';
import { providers } from '../../support/providers.ts';
import { lineModel, nightModel } from '../../support/scenarios/scheduler.ts';

const setUp = closingScenarios();

/** The SDK's own attempts (3, as the Lambdas' clients make them) times the pass's tries of a call (3). */
const attemptsPerPass = 9;

/** What the Lambda's context says: `ms` left from now. */
const lambdaWith = (scenario: FaultScenario, ms: number) => {
  const deadline = Date.now() + ms;
  return {
    deadline,
    deps: { ...scenario.deps, timeLeft: () => deadline - Date.now(), deadlineMarginMs: 500 },
  };
};

/** Answers the service acted on, garbled on the way back to the caller. */
const garbled: readonly (readonly [string, Fault])[] = [
  ['a truncated JSON body', { kind: 'truncate' }],
  [
    'an HTML page with status 200',
    {
      kind: 'answer',
      status: 200,
      body: '<html><body>upstream busy</body></html>',
      contentType: 'text/html',
      forward: true,
    },
  ],
  ['an empty body under a JSON content type', { kind: 'answer', status: 200, body: '', forward: true }],
  [
    'a JSON body under a wrong content type',
    { kind: 'answer', status: 200, body: '{"unexpected": true}', contentType: 'text/plain', forward: true },
  ],
];

for (const provider of providers) {
  const terms = faultTerms[provider.id];

  describe(`${provider.name} answering faults`, () => {
    it('defers the start while the service answers 500s, alerts no one, and starts once with the same intent when it recovers', async () => {
      // Prepare: every try of this pass meets an internal error
      const scenario = await setUp(provider, fridayEarlyLead);
      const { engine, line } = scenario;
      engine.injectError({ api: terms.startApi, error: terms.internalError, times: attemptsPerPass });
      // The pass's tries fall on one virtual instant: the per-second quota is not what this case is about.
      engine.setQuota(Number.POSITIVE_INFINITY);

      // Act
      const faulty = await scenario.tick(fridayEarlyLead);
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(outcomeOf(faulty, lineModel)).toMatchObject({
        action: 'start',
        result: 'deferred',
        errorCode: 'InternalServer',
      });
      expect(outcomeOf(faulty, lineModel).alert).toBeUndefined();
      expect(line.errorsOfType(terms.internalError)).toHaveLength(attemptsPerPass);
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      const [run] = await expectOneStartPerRun(scenario, provider);
      expect(run?.starts).toEqual([
        expect.objectContaining({ attempt: 1, acceptedAt: berlinFriday('05:45').toISOString() }),
      ]);
      expect(run?.errors).toEqual([expect.objectContaining({ action: 'start', code: 'InternalServer' })]);
      // The dashboard shows the 500s by provider; no alarm fires for an error the next pass retries.
      const faultyPoints = metricsOf(faulty);
      expect(
        metricValue(faultyPoints, 'Failures', { provider: provider.id, errorCode: 'InternalServer' }),
      ).toBe(1);
      expect(metricValue(faultyPoints, 'Starts')).toBe(0);
      expect(metricValue(faultyPoints, 'Heartbeat')).toBe(1);
      expect(alarmPoints(faultyPoints)).toEqual({});
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(1);
      expect(alarmPoints(metricsOf(recovered))).toEqual({});
      expect(alarmPoints(metricsOf(second))).toEqual({});
    });

    it.each(garbled)(
      'does not start twice when the service accepts a start and answers with %s',
      async (_, fault) => {
        // Prepare
        const scenario = await setUp(provider, fridayEarlyLead, { service: true });
        const { service, line } = scenario;
        service?.fail({ fault, when: terms.isStart, times: 1 });

        // Act
        const garbledPass = await scenario.tick(fridayEarlyLead);
        const next = await scenario.tick(berlinFriday('05:45'));
        const after = await scenario.tick(berlinFriday('05:50'));

        // Assess
        expect(service?.log().filter((entry) => entry.fault === fault.kind && entry.forwarded)).toHaveLength(
          1,
        );
        expect(['sent', 'deferred']).toContain(outcomeOf(garbledPass, lineModel).result);
        expect(outcomeOf(next, lineModel)).toMatchObject({ observed: 'hosted' });
        expect(outcomeOf(after, lineModel)).toMatchObject({ observed: 'hosted', result: 'done' });
        expect(line.status()).toBe(hostedStatus[provider.id]);
        const [run] = await expectOneStartPerRun(scenario, provider);
        expect(run?.billedFrom).toBe(fridayEarlyLead.toISOString());
        // Starts counts the start once, in the pass that read the acceptance, and the garbled answer
        // raises no alarm in any pass.
        const points = [garbledPass, next, after].map(metricsOf);
        expect(points.map((pass) => metricValue(pass, 'Starts'))).toEqual([
          outcomeOf(garbledPass, lineModel).result === 'sent' ? 1 : 0,
          0,
          0,
        ]);
        for (const pass of points) {
          expect(alarmPoints(pass)).toEqual({});
          expect(giveUpFailures(pass)).toEqual([]);
        }
      },
    );

    it('waits without acting when the observing call answers a body it cannot read, and starts once on the next tick', async () => {
      // Prepare
      const scenario = await setUp(provider, fridayEarlyLead, { service: true });
      const { service, line } = scenario;
      service?.fail({
        fault: { kind: 'answer', status: 200, body: '{"Models": [', contentType: 'application/json' },
        when: terms.isObserve,
      });

      // Act
      const blind = await scenario.tick(fridayEarlyLead);
      service?.heal();
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(outcomeOf(blind, lineModel)).toMatchObject({ observed: 'unknown', action: 'wait' });
      expect(outcomeOf(blind, lineModel).alert).toBeUndefined();
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      await expectOneStartPerRun(scenario, provider);
      // A pass that could not see the models waits: it raises no alarm and gives nothing up.
      const blindPoints = metricsOf(blind);
      expect(metricValue(blindPoints, 'Heartbeat')).toBe(1);
      expect(metricValue(blindPoints, 'Starts')).toBe(0);
      expect(alarmPoints(blindPoints)).toEqual({});
      expect(giveUpFailures(blindPoints)).toEqual([]);
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(1);
    });

    it('returns before the Lambda deadline with the model deferred when the start hangs, and does not start again when the held start lands late', async () => {
      // Prepare: 1.5 s left in the invocation; the start is held at the proxy
      const scenario = await setUp(provider, fridayEarlyLead, { service: true });
      const { service, line } = scenario;
      service?.fail({ fault: { kind: 'hang', forward: true }, when: terms.isStart, times: 1 });
      const lambda = lambdaWith(scenario, 1_500);

      // Act
      const cut = await scenario.tick(fridayEarlyLead, lambda.deps);
      const returnedAt = Date.now();
      const sentInPass = line.starts().length;
      // The service gets the held request after the invocation gave up on it.
      await service?.release();
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(returnedAt).toBeLessThan(lambda.deadline);
      expect(sentInPass).toBe(0);
      expect(service?.log().filter((entry) => entry.fault === 'hang' && entry.forwarded)).toHaveLength(1);
      expect(line.starts().filter((call) => call.outcome === 'accepted')[0]?.at).toEqual(fridayEarlyLead);
      expect(outcomeOf(cut, lineModel)).toMatchObject({ action: 'start', result: 'deferred' });
      expect(outcomeOf(cut, nightModel).result).not.toBe('failed');
      expect(outcomeOf(recovered, lineModel).action).not.toBe('start');
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      await expectOneStartPerRun(scenario, provider);
      // A pass cut at its deadline only defers: the dashboard shows it, no alarm fires.
      const cutPoints = metricsOf(cut);
      expect(metricValue(cutPoints, 'Failures', { provider: provider.id, errorCode: 'OutOfTime' })).toBe(1);
      expect(alarmPoints(cutPoints)).toEqual({});
      expect(giveUpFailures(cutPoints)).toEqual([]);
      // The held start landed, so the next pass counts no start of its own.
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(0);
      expect(alarmPoints(metricsOf(recovered))).toEqual({});
    });

    it('returns before the Lambda deadline with every model deferred when observing hangs, and starts once on the next tick', async () => {
      // Prepare
      const scenario = await setUp(provider, fridayEarlyLead, { service: true });
      const { service, line } = scenario;
      service?.fail({ fault: { kind: 'hang' }, when: terms.isObserve });
      const lambda = lambdaWith(scenario, 1_500);

      // Act
      const cut = await scenario.tick(fridayEarlyLead, lambda.deps);
      const returnedAt = Date.now();
      service?.heal();
      await service?.release();
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(returnedAt).toBeLessThan(lambda.deadline);
      expect(cut.outcomes.map((outcome) => outcome.result)).toEqual(['deferred', 'deferred']);
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      await expectOneStartPerRun(scenario, provider);
      const cutPoints = metricsOf(cut);
      expect(metricValue(cutPoints, 'Heartbeat')).toBe(1);
      expect(alarmPoints(cutPoints)).toEqual({});
      expect(giveUpFailures(cutPoints)).toEqual([]);
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(1);
    });
  });
}
