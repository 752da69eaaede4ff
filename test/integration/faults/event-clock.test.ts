/**
 * Fault suite: the event's instant minutes away from the function's clock, as Lambda's retries,
 * EventBridge redelivery and a clock that lags produce them. `reconcileOnTime` decides for the
 * event's instant when the event is at most 4 minutes late or early (the function's clock behind
 * it), and drops an event later than that: the next tick decides at its own time. The emulator's
 * clock is the function's: the service acts when the call arrives.
 */
import { describe, expect, it } from 'vitest';
import { eventToleranceMs, reconcileOnTime } from '../../../src/app/reconcile.ts';
import { alarmPoints, metricsOf, metricValue } from '../../support/fault-metrics.ts';
import {
  closingScenarios,
  expectOneStartPerRun,
  type FaultScenario,
  hostedStatus,
  outcomeOf,
} from '../../support/fault-scenario.ts';
import { berlinFriday, fridayEarlyLead, fridayLateEnd } from '../../support/instants.ts';
import { lookoutVision, providers } from '../../support/providers.ts';
import { lineModel } from '../../support/scenarios/scheduler.ts';

const minute = 60_000;
const setUp = closingScenarios();

/** One invocation for an event at `event`, handled when the function's clock (and the service's) reads `now`. */
const invoke = (scenario: FaultScenario, event: Date, now: Date) => {
  scenario.local.clock.set(now);
  return reconcileOnTime(scenario.deps, { at: event }, now);
};

const accepted = (scenario: FaultScenario) =>
  scenario.line.starts().filter((call) => call.outcome === 'accepted');

describe('an event minutes away from the function clock on Lookout for Vision', () => {
  it('decides for the event instant when the event arrives late within the tolerance', async () => {
    // Prepare
    const scenario = await setUp(lookoutVision, fridayEarlyLead);
    const arrival = new Date(fridayEarlyLead.getTime() + eventToleranceMs);

    // Act
    const late = await invoke(scenario, fridayEarlyLead, arrival);
    const next = await scenario.tick(berlinFriday('05:45'));
    const after = await scenario.tick(berlinFriday('05:50'));

    // Assess
    expect(late?.at).toEqual(fridayEarlyLead);
    expect(outcomeOf(late ?? next, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
    expect(accepted(scenario).map((call) => call.at)).toEqual([arrival]);
    expect(outcomeOf(next, lineModel).action).not.toBe('start');
    expect(outcomeOf(after, lineModel)).toMatchObject({ observed: 'hosted', result: 'done' });
    const [run] = await expectOneStartPerRun(scenario, lookoutVision);
    expect(run?.starts[0]?.intendedAt).toBe(fridayEarlyLead.toISOString());
    // A late event is still a tick: it beats the heartbeat and counts its start, and no pass raises an alarm.
    const latePoints = metricsOf(late ?? next);
    expect(metricValue(latePoints, 'Heartbeat')).toBe(1);
    expect(metricValue(latePoints, 'Starts')).toBe(1);
    expect(metricValue(metricsOf(next), 'Starts')).toBe(0);
    for (const pass of [late ?? next, next, after]) expect(alarmPoints(metricsOf(pass))).toEqual({});
  });

  it('drops an event later than the tolerance without reading or sending anything; the next tick starts the model', async () => {
    // Prepare
    const scenario = await setUp(lookoutVision, fridayEarlyLead);
    const arrival = new Date(fridayEarlyLead.getTime() + eventToleranceMs + minute);

    // Act
    const stale = await invoke(scenario, fridayEarlyLead, arrival);
    const callsWhenDropped = scenario.engine.callLog().length;
    const runsWhenDropped = await scenario.local.deps.runs.list(lineModel);
    const next = await scenario.tick(berlinFriday('05:50'));
    const after = await scenario.tick(berlinFriday('05:55'));

    // Assess
    expect(stale).toBeUndefined();
    expect(callsWhenDropped).toBe(0);
    expect(runsWhenDropped).toEqual([]);
    expect(outcomeOf(next, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
    expect(outcomeOf(after, lineModel)).toMatchObject({ observed: 'hosted' });
    expect(scenario.line.status()).toBe(hostedStatus.lookoutvision);
    await expectOneStartPerRun(scenario, lookoutVision);
    // The dropped event has no report, so it publishes nothing, Heartbeat included: the next tick's
    // heartbeat keeps its alarm quiet, and its start is counted once, before the shift, with no alarm.
    const nextPoints = metricsOf(next);
    expect(metricValue(nextPoints, 'Heartbeat')).toBe(1);
    expect(metricValue(nextPoints, 'Starts')).toBe(1);
    expect(alarmPoints(nextPoints)).toEqual({});
    expect(alarmPoints(metricsOf(after))).toEqual({});
  });

  it('decides for the event instant when the function clock is behind the event: starts at the lead, stops at the end', async () => {
    // Prepare
    const scenario = await setUp(lookoutVision, berlinFriday('05:30'));

    // Act
    const early = await invoke(scenario, fridayEarlyLead, berlinFriday('05:37'));
    const hosted = await scenario.tick(berlinFriday('05:45'));
    const earlyStop = await invoke(scenario, fridayLateEnd, berlinFriday('21:57'));
    const after = await scenario.tick(berlinFriday('22:05'));

    // Assess
    expect(outcomeOf(early ?? hosted, lineModel)).toMatchObject({ action: 'start', result: 'sent' });
    expect(outcomeOf(hosted, lineModel)).toMatchObject({ observed: 'hosted' });
    expect(outcomeOf(earlyStop ?? after, lineModel)).toMatchObject({ action: 'stop', result: 'sent' });
    expect(outcomeOf(after, lineModel)).toMatchObject({ desired: 'off', action: 'none' });
    expect(scenario.line.stops().filter((call) => call.outcome === 'accepted')).toHaveLength(1);
    const [run] = await expectOneStartPerRun(scenario, lookoutVision);
    expect(run).toMatchObject({ outcome: 'completed', stoppedAt: berlinFriday('22:05').toISOString() });
    // Decided for the event's instant, the start is not late and the stop leaves nothing hosted.
    expect(metricValue(metricsOf(early ?? hosted), 'Starts')).toBe(1);
    expect(alarmPoints(metricsOf(early ?? hosted))).toEqual({});
    expect(alarmPoints(metricsOf(hosted))).toEqual({});
    expect(metricValue(metricsOf(earlyStop ?? after), 'Stops')).toBe(1);
    expect(alarmPoints(metricsOf(after))).toEqual({});
  });
});

for (const provider of providers) {
  describe(`a late event after the run was stopped on ${provider.name}`, () => {
    it('does not start the model again for an instant before the stop a later pass made', async () => {
      // Prepare: the run is hosted, and the pass at the end of the shift has stopped it (2 minutes)
      const scenario = await setUp(provider, fridayEarlyLead);
      await scenario.tick(fridayEarlyLead);
      await scenario.tick(berlinFriday('05:50'));
      const stop = await scenario.tick(fridayLateEnd);
      const lateInstant = berlinFriday('21:58');

      // Act: an event for 21:58 arrives 4 minutes late, once the stop has completed
      const late = await invoke(scenario, lateInstant, berlinFriday('22:02'));
      const next = await scenario.tick(berlinFriday('22:05'));

      // Assess
      expect(outcomeOf(stop, lineModel)).toMatchObject({ action: 'stop', result: 'sent' });
      expect(late?.at).toEqual(lateInstant);
      expect(outcomeOf(late ?? next, lineModel).action).not.toBe('start');
      expect(scenario.line.starts().filter((call) => call.outcome === 'accepted')).toHaveLength(1);
      expect(outcomeOf(next, lineModel)).toMatchObject({ desired: 'off', action: 'none' });
      const [run] = await expectOneStartPerRun(scenario, provider);
      expect(run).toMatchObject({ outcome: 'completed' });
      expect(run?.starts).toHaveLength(1);
      // The late event counts no start, gives nothing up, and leaves nothing hosted outside its run.
      const latePoints = metricsOf(late ?? next);
      expect(metricValue(latePoints, 'Starts')).toBe(0);
      expect(metricValue(latePoints, 'RunsGivenUp')).toBe(0);
      expect(metricValue(latePoints, 'HostedOutsideRuns')).toBe(0);
      expect(alarmPoints(metricsOf(next))).toEqual({});
    });

    // The late event decides for 21:58, when the shift still wants the model, and finds it stopped by
    // the later pass: the run is over, not late, so no late-start alarm for a model hosted all shift.
    it('raises no late-start alarm for a late event that finds the run stopped by a later pass', async () => {
      // Prepare
      const scenario = await setUp(provider, fridayEarlyLead);
      await scenario.tick(fridayEarlyLead);
      await scenario.tick(berlinFriday('05:50'));
      await scenario.tick(fridayLateEnd);

      // Act
      const late = await invoke(scenario, berlinFriday('21:58'), berlinFriday('22:02'));

      // Assess (the case above holds that this event gets a report)
      expect(metricValue(late ? metricsOf(late) : [], 'LateStarts')).toBe(0);
    });
  });
}
