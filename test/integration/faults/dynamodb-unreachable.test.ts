/**
 * Fault suite: DynamoDB unreachable for part of a pass, then back. The pass's document client goes
 * through a proxy that refuses or holds its requests; the test reads the tables and the emulator
 * directly. Whatever the moment, the table is written before the service is called, so no start
 * is sent without its intent on record, none is sent twice, and the model is hosted within two
 * ticks of DynamoDB coming back.
 */
import { describe, expect, it, vi } from 'vitest';
import { PassError } from '../../../src/app/reconcile.ts';
import { alarmPoints, giveUpFailures, metricsOf, metricValue } from '../../support/fault-metrics.ts';
import {
  closingScenarios,
  expectOneStartPerRun,
  hostedStatus,
  outcomeOf,
} from '../../support/fault-scenario.ts';
import { berlinFriday, fridayEarlyLead, fridayLateEnd } from '../../support/instants.ts';
import { providers } from '../../support/providers.ts';
import { lineModel } from '../../support/scenarios/scheduler.ts';

const setUp = closingScenarios();

const writesItems = (target: string | undefined) =>
  target === 'DynamoDB_20120810.TransactWriteItems' || target === 'DynamoDB_20120810.PutItem';

for (const provider of providers) {
  describe(`DynamoDB unreachable during a pass on ${provider.name}`, () => {
    it('fails the pass as a whole when the configuration cannot be read, sends nothing, and starts once when DynamoDB is back', async () => {
      // Prepare
      const scenario = await setUp(provider, fridayEarlyLead, { dynamodb: true });
      const { dynamodb, line } = scenario;
      dynamodb?.fail({ fault: { kind: 'refuse' } });

      // Act
      const failed = scenario.tick(fridayEarlyLead);
      await expect(failed).rejects.toBeInstanceOf(PassError);
      const sentWhileDown = line.starts().length;
      dynamodb?.heal();
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      // The pass threw, so there is no report and the function publishes no metric: its Errors alarm
      // fires on the failed invocation, and a missing Heartbeat says no pass ran if it goes on.
      await expect(failed).rejects.toMatchObject({ code: 'PassFailed' });
      expect(sentWhileDown).toBe(0);
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted', result: 'done' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      const [run] = await expectOneStartPerRun(scenario, provider);
      expect(run).toMatchObject({ outcome: 'hosted', billedFrom: berlinFriday('05:45').toISOString() });
      const recoveredPoints = metricsOf(recovered);
      expect(metricValue(recoveredPoints, 'Heartbeat')).toBe(1);
      expect(metricValue(recoveredPoints, 'Starts')).toBe(1);
      expect(alarmPoints(recoveredPoints)).toEqual({});
    });

    it('loses DynamoDB once the service accepted the start: the model fails for this pass with an alert, and the next pass confirms the start without sending another', async () => {
      // Prepare: every request after the service accepted the start is refused
      const scenario = await setUp(provider, fridayEarlyLead, { dynamodb: true });
      const { dynamodb, line } = scenario;
      dynamodb?.fail({ fault: { kind: 'refuse' }, when: () => line.starts().length > 0 });

      // Act
      const cut = await scenario.tick(fridayEarlyLead);
      dynamodb?.heal();
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(outcomeOf(cut, lineModel)).toMatchObject({ result: 'failed', alert: true });
      expect(outcomeOf(cut, lineModel).reason).toMatch(/cannot reach DynamoDB/);
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'none', observed: 'hosted' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted', result: 'done' });
      expect(line.starts()).toHaveLength(1);
      expect(line.status()).toBe(hostedStatus[provider.id]);
      const [run] = await expectOneStartPerRun(scenario, provider);
      // Billed conservatively from the intent, since the answer was never recorded.
      expect(run).toMatchObject({ outcome: 'hosted', billedFrom: fridayEarlyLead.toISOString() });
      // The service took the start, so the run is not given up: the dashboard shows the failed
      // model, no alarm fires, and no pass counts a second start.
      const cutPoints = metricsOf(cut);
      expect(metricValue(cutPoints, 'Failures', { provider: provider.id, errorCode: 'Unknown' })).toBe(1);
      expect(alarmPoints(cutPoints)).toEqual({});
      expect(giveUpFailures(cutPoints)).toEqual([]);
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(0);
      expect(alarmPoints(metricsOf(recovered))).toEqual({});
    });

    it('loses DynamoDB once the service accepted the stop: the next pass closes the run without a second stop', async () => {
      // Prepare: the model hosted through its shift; every request after the stop was accepted is refused
      const scenario = await setUp(provider, fridayEarlyLead, { dynamodb: true });
      const { dynamodb, line } = scenario;
      await scenario.tick(fridayEarlyLead);
      await scenario.tick(berlinFriday('05:50'));
      dynamodb?.fail({ fault: { kind: 'refuse' }, when: () => line.stops().length > 0 });

      // Act
      const cut = await scenario.tick(fridayLateEnd);
      dynamodb?.heal();
      const recovered = await scenario.tick(berlinFriday('22:05'));
      const second = await scenario.tick(berlinFriday('22:10'));

      // Assess
      expect(outcomeOf(cut, lineModel)).toMatchObject({ result: 'failed', alert: true });
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ desired: 'off', action: 'none' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ action: 'none', result: 'done' });
      expect(line.stops()).toHaveLength(1);
      expect(line.status()).not.toBe(hostedStatus[provider.id]);
      const [run] = await expectOneStartPerRun(scenario, provider);
      expect(run).toMatchObject({ outcome: 'completed', stoppedAt: berlinFriday('22:05').toISOString() });
      expect(run?.stops).toEqual([expect.objectContaining({ attempt: 1 })]);
      // The stop took, so the model is not left hosted outside its run: the pass at the shift's end
      // saw it hosted (one breaching point, where the alarm wants three periods), the next ones do not,
      // and nothing is given up. The night model, due to start in that pass, races the refused
      // writes (it may be late at 22:05 or already hosted), so its LateStarts is not asserted here.
      const cutPoints = metricsOf(cut);
      expect(alarmPoints(cutPoints)).toEqual({ HostedOutsideRuns: 1 });
      expect(
        metricValue(cutPoints, 'Failures', { provider: provider.id, errorCode: 'Unknown' }),
      ).toBeGreaterThanOrEqual(1);
      for (const pass of [recovered, second].map(metricsOf)) {
        expect(metricValue(pass, 'HostedOutsideRuns')).toBe(0);
        expect(metricValue(pass, 'RunsGivenUp')).toBe(0);
        expect(giveUpFailures(pass)).toEqual([]);
      }
      expect(metricValue(metricsOf(recovered), 'Stops')).toBe(0);
    });

    it('returns before its deadline with the model deferred when the intent write hangs, and starts once after the write lands late', async () => {
      // Prepare: the Lambda has 2 s left; the first write of a run hangs
      const scenario = await setUp(provider, fridayEarlyLead, { dynamodb: true });
      const { dynamodb, line } = scenario;
      dynamodb?.fail({ fault: { kind: 'hang' }, when: (request) => writesItems(request.target), times: 1 });
      const deadline = Date.now() + 2_000;
      const lambda = { ...scenario.deps, timeLeft: () => deadline - Date.now(), deadlineMarginMs: 500 };

      // Act
      const cut = await scenario.tick(fridayEarlyLead, lambda);
      const returnedAt = Date.now();
      // The held write is dropped; the SDK's own retry then writes the intent after the pass returned.
      await dynamodb?.release();
      await vi.waitFor(async () => {
        const [written] = await scenario.local.deps.runs.list(lineModel);
        expect(written?.starts[0]?.errorCode ?? written?.starts[0]?.acceptedAt).toEqual(expect.any(String));
      });
      const recovered = await scenario.tick(berlinFriday('05:45'));
      const second = await scenario.tick(berlinFriday('05:50'));

      // Assess
      expect(returnedAt).toBeLessThan(deadline);
      expect(outcomeOf(cut, lineModel)).toMatchObject({ result: 'deferred' });
      expect(line.starts()).toHaveLength(1);
      expect(outcomeOf(recovered, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted', result: 'done' });
      expect(line.status()).toBe(hostedStatus[provider.id]);
      await expectOneStartPerRun(scenario, provider);
      // A pass cut at its deadline only defers: the dashboard shows it, no alarm fires.
      const cutPoints = metricsOf(cut);
      expect(metricValue(cutPoints, 'Failures', { provider: provider.id, errorCode: 'OutOfTime' })).toBe(1);
      expect(metricValue(cutPoints, 'Starts')).toBe(0);
      expect(alarmPoints(cutPoints)).toEqual({});
      expect(giveUpFailures(cutPoints)).toEqual([]);
      expect(metricValue(metricsOf(recovered), 'Starts')).toBe(1);
    });
  });
}
