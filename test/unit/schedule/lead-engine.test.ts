import { describe, expect, it } from 'vitest';
import { planToJson } from '../../../src/cli/commands/plan.ts';
import { validateShifts } from '../../../src/providers/config.ts';
import { type SchedulerConfig, withLeadBook } from '../../../src/schedule/config.ts';
import { desiredAt } from '../../../src/schedule/desired.ts';
import { schedulerEntries } from '../../../src/schedule/eventbridge.ts';
import { FALLBACK_START_PRIOR, type LeadBook } from '../../../src/schedule/lead.ts';
import { wantedAt } from '../../../src/schedule/lifecycle.ts';
import { planBetween } from '../../../src/schedule/plan.ts';
import { runsBetween } from '../../../src/schedule/runs.ts';
import { at } from './builders.ts';

/**
 * Two models in Europe/Berlin: `line` learns its lead and runs early+late back to back on weekdays
 * (one 16-hour run) and a split Saturday (two 4-hour windows 30 minutes apart); `fixed` keeps a
 * 20-minute lead on the same schedule.
 */
const fleet = (): SchedulerConfig =>
  validateShifts(
    {
      version: 1,
      defaults: { timezone: 'Europe/Berlin', leadMinutes: 20 },
      schedules: {
        plant: {
          shifts: [
            { name: 'early', days: 'mon-fri', start: '06:00', end: '14:00', minInferenceUnits: 1 },
            { name: 'late', days: 'mon-fri', start: '14:00', end: '22:00', minInferenceUnits: 1 },
            { name: 'sat-am', days: 'sat', start: '06:00', end: '10:00', minInferenceUnits: 1 },
            { name: 'sat-pm', days: 'sat', start: '10:30', end: '14:30', minInferenceUnits: 1 },
          ],
        },
        nights: {
          shifts: [{ name: 'night', days: 'sun', start: '22:00', end: '06:00', minInferenceUnits: 1 }],
        },
      },
      models: [
        {
          id: 'line',
          provider: 'lookoutvision',
          projectName: 'p',
          modelVersion: '1',
          schedule: 'plant',
          leadMinutes: 'auto',
        },
        { id: 'fixed', provider: 'lookoutvision', projectName: 'p', modelVersion: '2', schedule: 'plant' },
        {
          id: 'night',
          provider: 'lookoutvision',
          projectName: 'q',
          modelVersion: '1',
          schedule: 'nights',
          leadMinutes: 'auto',
          maxLeadMinutes: 40,
        },
      ],
    },
    'fleet.yml',
  );

const PRIOR = { lookoutvision: { medianMinutes: 15, p95Minutes: 28 } };

/** Starts of the given minutes, one an hour from 2027-03-01, well before the week below. */
const book = (durations: Record<string, number[]>): LeadBook => ({
  priors: PRIOR,
  starts: Object.fromEntries(
    Object.entries(durations).map(([model, minutes]) => [
      model,
      minutes.map((m, i) => ({
        acceptedAt: new Date(Date.parse('2027-03-01T00:00:00Z') + i * 3_600_000),
        minutes: m,
      })),
    ]),
  ),
});

// Monday 2027-03-22 to Monday 2027-03-29 (CET).
const week = { from: at('2027-03-22T00:00:00Z'), to: at('2027-03-29T00:00:00Z') };

describe('an auto lead in the engine', () => {
  it('starts each run its learned lead before the first shift, and a fixed model its number', () => {
    // Prepare
    const config = withLeadBook(fleet(), book({ line: Array.from({ length: 20 }, () => 6) }));

    // Act
    const runs = runsBetween(config, week.from, week.to);
    const monday = runs.filter((run) => run.runId.endsWith('@2027-03-22T05:00:00.000Z'));

    // Assess
    const line = monday.find((run) => run.model === 'line');
    const fixed = monday.find((run) => run.model === 'fixed');
    expect(line?.lead).toMatchObject({ source: 'learned', samples: 20 });
    // Starts of 6 minutes, and a 16-hour run may miss 0.5 % of 960 minutes: well under the prior's lead.
    expect(line?.lead.minutes).toBeGreaterThan(0);
    expect(line?.lead.minutes).toBeLessThan(6);
    expect(line?.startAt.getTime()).toBe(
      at('2027-03-22T05:00:00Z').getTime() - (line?.lead.minutes ?? 0) * 60_000,
    );
    expect(fixed?.lead).toEqual({ minutes: 20, source: 'fixed', samples: 0 });
    expect(fixed?.startAt).toEqual(at('2027-03-22T04:40:00Z'));
  });

  it('follows the provider prior with nothing on record, and the fallback prior without a book', () => {
    // Prepare
    const slowPrior = withLeadBook(fleet(), {
      priors: { lookoutvision: { medianMinutes: 25, p95Minutes: 40 } },
      starts: {},
    });

    // Act
    const withPrior = runsBetween(slowPrior, week.from, week.to, { model: 'line' })[0];
    const withoutBook = runsBetween(fleet(), week.from, week.to, { model: 'line' })[0];
    const fallback = runsBetween(
      withLeadBook(fleet(), { priors: { lookoutvision: FALLBACK_START_PRIOR }, starts: {} }),
      week.from,
      week.to,
      { model: 'line' },
    )[0];

    // Assess
    expect(withPrior?.lead).toMatchObject({ source: 'prior', samples: 0 });
    expect(withoutBook?.lead).toEqual(fallback?.lead);
    expect(withPrior?.lead.minutes).toBeGreaterThan(withoutBook?.lead.minutes ?? Number.POSITIVE_INFINITY);
  });

  it('gives a 16-hour run no longer a lead than a 4-hour one from the same record', () => {
    // Prepare
    const config = withLeadBook(fleet(), book({ line: [8, 9, 10, 12, 14, 15, 16, 18, 20, 25, 30] }));

    // Act
    const runs = runsBetween(config, week.from, week.to, { model: 'line' });
    const weekday = runs.find((run) => run.windows.length === 2 && run.windows[0]?.shift === 'early');
    const saturday = runs.find((run) => run.windows[0]?.shift === 'sat-am');

    // Assess
    expect(weekday?.lead.minutes).toBeLessThan(saturday?.lead.minutes ?? 0);
  });

  it('keeps every run id and window grouping as the record grows, quick or slow', () => {
    // Prepare: nothing on record, quick starts, slow starts beyond maxLeadMinutes.
    const books = [book({}), book({ line: [2, 2, 3, 2, 2, 3] }), book({ line: [90, 95, 80, 85] })];

    // Act
    const ids = books.map((b) =>
      runsBetween(withLeadBook(fleet(), b), week.from, week.to, { model: 'line' }).map((run) => [
        run.runId,
        run.windows.map((window) => window.shift),
      ]),
    );

    // Assess: Saturday's 30-minute gap is within maxLeadMinutes (60) whatever the lead, so one run.
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    expect(ids[0]).toContainEqual(['line@2027-03-27T05:00:00.000Z', ['sat-am', 'sat-pm']]);
  });

  it('keeps a run’s start while its own start is recorded, and learns from it for the next run', () => {
    // Prepare: nothing on record; the first run is started at its prior lead and HOSTED a minute later.
    const before = runsBetween(withLeadBook(fleet(), book({})), week.from, week.to, { model: 'line' });
    const [first, second] = before;
    if (!first || !second) throw new Error('two runs expected');
    const recorded = withLeadBook(fleet(), {
      priors: PRIOR,
      starts: { line: [{ acceptedAt: first.startAt, minutes: 1 }] },
    });

    // Act: a pass during what is left of the first run's lead, and the plan of the week.
    const during = wantedAt(recorded, 'line', new Date(first.startAt.getTime() + 2 * 60_000));
    const after = runsBetween(recorded, week.from, week.to, { model: 'line' });

    // Assess
    expect(during.desired.state).toBe('on');
    expect(during.run).toMatchObject({ runId: first.runId, startAt: first.startAt, lead: first.lead });
    expect(after[0]).toMatchObject({ runId: first.runId, startAt: first.startAt });
    expect(after[1]?.runId).toBe(second.runId);
    expect(after[1]?.lead.samples).toBe(1);
    expect(after[1]?.lead.minutes).toBeLessThan(second.lead.minutes);
  });

  it('never leads by more than maxLeadMinutes', () => {
    // Prepare
    const config = withLeadBook(fleet(), book({ night: [90, 95, 80, 85, 100] }));

    // Act
    const night = runsBetween(config, week.from, week.to, { model: 'night' }).find(
      (run) => run.runId === 'night@2027-03-28T20:00:00.000Z',
    );

    // Assess
    expect(night?.lead).toMatchObject({ minutes: 40, source: 'learned' });
    expect(night?.startAt).toEqual(at('2027-03-28T19:20:00Z'));
  });

  it('plan, desired state and the tick name the same run with the same lead', () => {
    // Prepare
    const config = withLeadBook(fleet(), book({ line: [10, 11, 12, 13, 9] }));
    const plan = planBetween(config, week.from, week.to, { model: 'line' });
    const first = plan.runs[0];
    if (!first) throw new Error('no run planned');

    // Act
    const before = desiredAt(config, 'line', new Date(first.startAt.getTime() - 60_000));
    const wanted = wantedAt(config, 'line', first.startAt);

    // Assess
    expect(before.nextChange).toEqual({ at: first.startAt, state: 'on', lead: first.lead });
    expect(wanted.run).toMatchObject({ runId: first.runId, startAt: first.startAt, lead: first.lead });
    expect(wanted.desired.reason).toContain(`lead of ${first.lead.minutes} min (learned from 5 starts, q=`);
  });

  it('plan --json gives each run and start action its lead and where it came from', () => {
    // Prepare
    const config = withLeadBook(fleet(), book({ line: [10, 11, 12, 13, 9] }));

    // Act
    const json = planToJson(planBetween(config, week.from, at('2027-03-23T00:00:00Z')));

    // Assess
    const line = json.runs.find((run) => run.model === 'line');
    const fixed = json.runs.find((run) => run.model === 'fixed');
    expect(line).toMatchObject({ leadSource: 'learned', leadSamples: 5 });
    expect(typeof line?.leadMinutes).toBe('number');
    expect(line?.leadQuantile).toBeGreaterThan(0);
    expect(line?.leadQuantile).toBeLessThan(1);
    expect(fixed).toMatchObject({ leadMinutes: 20, leadSource: 'fixed' });
    expect(fixed).not.toHaveProperty('leadSamples');
    const starts = json.actions.filter((action) => action.action === 'start');
    expect(starts.find((a) => a.model === 'line')).toMatchObject({
      leadMinutes: line?.leadMinutes,
      leadSource: 'learned',
    });
    for (const stop of json.actions.filter((action) => action.action === 'stop'))
      expect(stop).not.toHaveProperty('leadSource');
  });

  it('fires an auto model’s deploy-time start edge at the shift start, never ahead of its learned lead', () => {
    // Act
    const entries = schedulerEntries(withLeadBook(fleet(), book({ line: [30, 40, 35] }))).filter(
      (entry) => entry.kind === 'start' && entry.schedule === 'plant',
    );

    // Assess: Saturday's second window gets an edge too (a cron sees no chain across a gap); the
    // tick finds the model already in its run there.
    const ofLine = entries.filter((entry) => entry.models.includes('line'));
    const ofFixed = entries.filter((entry) => entry.models.includes('fixed'));
    expect(ofLine.map((entry) => [entry.localTime, entry.leadMinutes])).toEqual([
      ['06:00', 0],
      ['10:30', 0],
    ]);
    expect(ofFixed.map((entry) => [entry.localTime, entry.leadMinutes])).toEqual([
      ['05:40', 20],
      ['10:10', 20],
    ]);
  });
});
