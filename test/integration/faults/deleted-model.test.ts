/**
 * Fault suite: the provider's model deleted while its run is under way (the emulator's admin puts
 * it in its deleting status), and created again at the same address later in the shift. The run
 * fails once with an alert and nothing is sent to a model that is not there; once the model exists
 * again, the shift gets it back under a continuation of the run, started once and stopped at the end.
 */
import { describe, expect, it } from 'vitest';
import { alarmPoints, metricsOf, metricValue } from '../../support/fault-metrics.ts';
import {
  closingScenarios,
  expectOneStartPerRun,
  hostedStatus,
  outcomeOf,
} from '../../support/fault-scenario.ts';
import { berlinFriday, fridayEarlyLead, fridayLateEnd } from '../../support/instants.ts';
import { providers } from '../../support/providers.ts';
import { lineModel, nightModel } from '../../support/scenarios/scheduler.ts';

const setUp = closingScenarios();

/** The model hosted for its shift, as at 05:50 on the example's Friday. */
const hostedLine = async (provider: (typeof providers)[number]) => {
  const scenario = await setUp(provider, fridayEarlyLead);
  await scenario.tick(fridayEarlyLead);
  await scenario.tick(berlinFriday('05:50'));
  return scenario;
};

for (const provider of providers) {
  describe(`a model deleted mid-run on ${provider.name}`, () => {
    it('fails the run once with an alert, sends nothing to the deleted model, and leaves the other model alone', async () => {
      // Prepare
      const scenario = await hostedLine(provider);
      const { line } = scenario;

      // Act
      line.deleting();
      const noticed = await scenario.tick(berlinFriday('06:30'));
      const after = await scenario.tick(berlinFriday('06:35'));
      const night = await scenario.tick(berlinFriday('21:30'));

      // Assess
      expect(outcomeOf(noticed, lineModel)).toMatchObject({ observed: 'missing', alert: true });
      expect(outcomeOf(after, lineModel)).toMatchObject({ action: 'none' });
      expect(outcomeOf(after, lineModel).alert).toBeUndefined();
      expect(outcomeOf(night, nightModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(line.starts()).toHaveLength(1);
      expect(line.stops()).toEqual([]);
      const [run] = await expectOneStartPerRun(scenario, provider);
      expect(run).toMatchObject({
        outcome: 'failed',
        errors: [expect.objectContaining({ action: 'observe', code: 'ResourceNotFound' })],
      });
      await expectOneStartPerRun(scenario, provider, nightModel);
      // The run given up raises its alarm once, in the pass that gave it up, not in every pass after.
      // The shift still wants the model and it is not hosted, so LateStarts says so in each pass, in
      // minutes since the shift began, until the model is back or the shift is over.
      expect(alarmPoints(metricsOf(noticed))).toEqual({ RunsGivenUp: 1, LateStarts: 1 });
      expect(metricValue(metricsOf(noticed), 'MinutesLate')).toBe(30);
      expect(alarmPoints(metricsOf(after))).toEqual({ LateStarts: 1 });
      expect(metricValue(metricsOf(night), 'Starts')).toBe(1);
      expect(alarmPoints(metricsOf(night))).toEqual({ LateStarts: 1 });
    });

    it('hosts the model again within two ticks once it is created again in the shift, and stops it at the end', async () => {
      // Prepare: deleted, and the run failed for it
      const scenario = await hostedLine(provider);
      const { line } = scenario;
      line.deleting();
      await scenario.tick(berlinFriday('06:30'));

      // Act
      line.recreate();
      const first = await scenario.tick(berlinFriday('07:00'));
      const second = await scenario.tick(berlinFriday('07:05'));
      const hostedStatusThen = line.status();
      const stop = await scenario.tick(fridayLateEnd);
      const stopped = await scenario.tick(berlinFriday('22:05'));

      // Assess
      expect(outcomeOf(first, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
      expect(outcomeOf(second, lineModel)).toMatchObject({ observed: 'hosted' });
      expect(hostedStatusThen).toBe(hostedStatus[provider.id]);
      expect(outcomeOf(stop, lineModel)).toMatchObject({ action: 'stop', result: 'sent' });
      expect(outcomeOf(stopped, lineModel)).toMatchObject({ desired: 'off', action: 'none' });
      const runs = await expectOneStartPerRun(scenario, provider);
      expect(runs.map((run) => [run.runId.replace(/^.*@[^~]*/, ''), run.outcome])).toEqual([
        ['', 'failed'],
        ['~2', 'completed'],
      ]);
      expect(line.starts().filter((call) => call.outcome === 'accepted')).toHaveLength(2);
      // Back an hour into its shift, the model is late until the service hosts it: LateStarts says
      // so in the pass that starts it and not once it is hosted; the end of the shift leaves nothing hosted.
      const firstPoints = metricsOf(first);
      expect(metricValue(firstPoints, 'Starts')).toBe(1);
      expect(alarmPoints(firstPoints)).toEqual({ LateStarts: 1 });
      expect(metricValue(firstPoints, 'MinutesLate')).toBe(60);
      expect(alarmPoints(metricsOf(second))).toEqual({});
      expect(metricValue(metricsOf(stop), 'Stops')).toBe(1);
      expect(alarmPoints(metricsOf(stopped))).toEqual({});
    });
  });
}
