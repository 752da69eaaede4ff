/**
 * Fault suite: ten passes at once for the same instant, each with its own DynamoDB and service
 * clients, as ten Lambda containers have them (a redelivered event, a shift edge and a tick landing
 * together). The conditional writes of the runs table let one pass act; the others wait or defer.
 */
import { describe, expect, it } from 'vitest';
import { type PassReport, reconcile } from '../../../src/app/reconcile.ts';
import { alarmPoints, giveUpFailures, metricsOf, metricValue } from '../../support/fault-metrics.ts';
import {
  closingScenarios,
  expectOneStartPerRun,
  type FaultScenario,
  hostedStatus,
  outcomeOf,
} from '../../support/fault-scenario.ts';
import { berlinFriday, fridayEarlyLead, fridayLateEnd } from '../../support/instants.ts';
import { providers } from '../../support/providers.ts';
import { lineModel } from '../../support/scenarios/scheduler.ts';

const setUp = closingScenarios();

/** Ten invocations at `at`, all at once. */
const tenAt = (scenario: FaultScenario, at: Date): Promise<PassReport[]> => {
  scenario.local.clock.set(at);
  return Promise.all(Array.from({ length: 10 }, () => reconcile(scenario.invocation(), { at })));
};

const lineOutcomes = (reports: readonly PassReport[]) =>
  reports.map((report) => outcomeOf(report, lineModel));

/** What CloudWatch sums for `name` over the passes' fleet points, as the Sum alarms read it. */
const summed = (reports: readonly PassReport[], name: string) =>
  reports.reduce((sum, report) => sum + (metricValue(metricsOf(report), name) ?? 0), 0);

for (const provider of providers) {
  describe(`ten passes at once on ${provider.name}`, () => {
    it('starts the model once and stops it once, with one run holding one start and one stop', async () => {
      // Prepare
      const scenario = await setUp(provider, fridayEarlyLead);
      const { line } = scenario;
      // Ten passes fall on one virtual instant, where the per-second quota never refills: it is not
      // what this case is about (the scenarios throttle on their own).
      scenario.engine.setQuota(Number.POSITIVE_INFINITY);

      // Act
      const starting = await tenAt(scenario, fridayEarlyLead);
      const hosted = await scenario.tick(berlinFriday('05:50'));
      const stopping = await tenAt(scenario, fridayLateEnd);
      const stopped = await scenario.tick(berlinFriday('22:05'));

      // Assess
      expect(lineOutcomes(starting).filter((outcome) => outcome.result === 'sent')).toHaveLength(1);
      expect(lineOutcomes(starting).filter((outcome) => outcome.result === 'failed')).toEqual([]);
      expect(outcomeOf(hosted, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(lineOutcomes(stopping).filter((outcome) => outcome.result === 'sent')).toHaveLength(1);
      expect(lineOutcomes(stopping).filter((outcome) => outcome.result === 'failed')).toEqual([]);
      expect(outcomeOf(stopped, lineModel)).toMatchObject({ desired: 'off', action: 'none' });
      expect(line.stops().filter((call) => call.outcome === 'accepted')).toHaveLength(1);
      expect(line.status()).not.toBe(hostedStatus[provider.id]);
      const runs = await expectOneStartPerRun(scenario, provider);
      expect(runs).toEqual([
        expect.objectContaining({
          outcome: 'completed',
          starts: [expect.objectContaining({ attempt: 1 })],
          stops: [expect.objectContaining({ attempt: 1 })],
        }),
      ]);
      // The passes that lost the race count nothing and raise nothing: one start, one stop in all.
      expect(summed(starting, 'Starts')).toBe(1);
      expect(summed(starting, 'Heartbeat')).toBe(10);
      expect(summed(stopping, 'Stops')).toBe(1);
      for (const report of [...starting, hosted, ...stopping, stopped]) {
        expect(metricValue(metricsOf(report), 'RunsGivenUp')).toBe(0);
        expect(giveUpFailures(metricsOf(report))).toEqual([]);
      }
      for (const report of [...starting, hosted]) expect(alarmPoints(metricsOf(report))).toEqual({});
      // At the shift's end the pass that stops the model saw it hosted (those after it may see it
      // stopping): the alarm's Maximum reads 1 for one period, where it wants three; the pass after
      // the stop sees the model gone.
      expect(
        Math.max(...stopping.map((report) => metricValue(metricsOf(report), 'HostedOutsideRuns') ?? 0)),
      ).toBe(1);
      expect(alarmPoints(metricsOf(stopped))).toEqual({});
    });
  });
}
