/**
 * The plan shows exactly the runs the tick creates: for random schedules, ranges and overrides, the
 * runs that reconcile passes record between two instants (ids, units and leads, learned ones
 * included) are the runs the plan lists for that range. The passes run against the in-memory stores and a host that does what it is asked
 * at once, every 15 minutes; every instant generated lies on that grid, so each run the plan lists
 * has a pass inside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/app/reconcile.ts';
import { withRecordedStarts } from '../../../src/app/recorded-starts.ts';
import type {
  Accepted,
  HostingError,
  ModelHost,
  ModelRef,
  Observation,
  ObservedState,
} from '../../../src/hosting/model-host.ts';
import { refKey } from '../../../src/providers/registry.ts';
import { planBetween } from '../../../src/schedule/plan.ts';
import type { StoredOverride } from '../../../src/store/config-repository.ts';
import { InMemoryConfigRepository } from '../../../src/store/in-memory-config-repository.ts';
import { InMemoryRunRepository } from '../../../src/store/in-memory-run-repository.ts';
import { type ShiftInput, scenario } from '../schedule/builders.ts';

const STEP_MINUTES = 15;
const STEP_MS = STEP_MINUTES * 60_000;
const DAY_STEPS = (24 * 60) / STEP_MINUTES;
const DAY_MS = 86_400_000;

/** Zones whose clock changes move by whole hours, so local times on the grid stay on it. */
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'];
/** Midnights UTC near clock changes of those zones, and a quiet one. */
const ANCHORS = ['2026-03-28', '2026-03-07', '2026-10-24', '2026-04-04', '2026-06-15', '2026-10-31'];
const DAYS = ['mon-sun', 'mon-sun', 'mon-fri', 'sat,sun', 'fri-mon', 'tue,thu'];

/** A model host that accepts every start and stop and is where it was asked to be at once. */
class ObedientHost implements ModelHost {
  readonly provider = 'lookoutvision';
  readonly supportsClientToken = true;
  readonly states = new Map<string, ObservedState>();

  async observe(ref: ModelRef): Promise<Observation> {
    return { ref, state: this.states.get(refKey(ref)) ?? 'stopped' };
  }

  async observeMany(refs: readonly ModelRef[]): Promise<Map<string, Observation | HostingError>> {
    return new Map(
      refs.map((ref) => [refKey(ref), { ref, state: this.states.get(refKey(ref)) ?? 'stopped' }]),
    );
  }

  async start(ref: ModelRef): Promise<Accepted> {
    this.states.set(refKey(ref), 'hosted');
    return { rawStatus: 'HOSTED', state: 'hosted' };
  }

  async stop(ref: ModelRef): Promise<Accepted> {
    this.states.set(refKey(ref), 'stopped');
    return { rawStatus: 'TRAINED', state: 'stopped' };
  }
}

const hhmm = (step: number): string => {
  const minutes = step * STEP_MINUTES;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

const shiftArb = (name: string): fc.Arbitrary<ShiftInput> =>
  fc
    .record({
      days: fc.constantFrom(...DAYS),
      start: fc.integer({ min: 0, max: DAY_STEPS - 1 }),
      length: fc.integer({ min: 2, max: DAY_STEPS - 1 }),
      min: fc.integer({ min: 1, max: 3 }),
      extra: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    })
    .map(({ days, start, length, min, extra }) => ({
      name,
      days,
      start: hhmm(start),
      end: hhmm((start + length) % DAY_STEPS),
      minInferenceUnits: min,
      ...(extra === undefined ? {} : { maxInferenceUnits: min + extra }),
    }));

const caseArb = fc.record({
  timezone: fc.constantFrom(...ZONES),
  shifts: fc
    .integer({ min: 1, max: 3 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => shiftArb(`s${i}`)))),
  // -1: `leadMinutes: auto`, learned from the starts the passes record.
  leadSteps: fc.integer({ min: -1, max: 4 }),
  unitChange: fc.constantFrom('keep-highest' as const, 'restart' as const),
  anchor: fc.constantFrom(...ANCHORS),
  fromStep: fc.integer({ min: 0, max: DAY_STEPS - 1 }),
  lengthSteps: fc.integer({ min: 1, max: 2 * DAY_STEPS }),
  override: fc.option(
    fc.record({
      state: fc.constantFrom('on' as const, 'off' as const),
      // Set from half a day before the range to a day into it, lasting up to a day.
      setAtStep: fc.integer({ min: -DAY_STEPS / 2, max: DAY_STEPS }),
      lengthSteps: fc.integer({ min: 1, max: DAY_STEPS }),
      reason: fc.option(fc.constant('overtime'), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const unitsOf = (run: { runId: string; minInferenceUnits: number; maxInferenceUnits?: number | undefined }) =>
  `${run.runId} ${run.minInferenceUnits}${run.maxInferenceUnits === undefined ? '' : `-${run.maxInferenceUnits}`}`;

/** Runs the tick every 15 minutes over [from, to) and returns the runs it recorded, and what the plan says. */
const planAndTick = async (input: Case) => {
  const config = scenario({
    timezone: input.timezone,
    shifts: input.shifts,
    leadMinutes: input.leadSteps < 0 ? 'auto' : input.leadSteps * STEP_MINUTES,
    unitChange: input.unitChange,
  });
  const from = new Date(Date.parse(`${input.anchor}T00:00:00Z`) + input.fromStep * STEP_MS);
  const to = new Date(from.getTime() + input.lengthSteps * STEP_MS);
  const stored: StoredOverride | undefined = input.override && {
    model: 'line-1',
    state: input.override.state,
    setAt: new Date(from.getTime() + input.override.setAtStep * STEP_MS).toISOString(),
    until: new Date(
      from.getTime() + (input.override.setAtStep + input.override.lengthSteps) * STEP_MS,
    ).toISOString(),
    ...(input.override.reason ? { reason: input.override.reason } : {}),
  };

  const configs = new InMemoryConfigRepository();
  await configs.apply(config, {
    source: 'test.yml',
    appliedAt: from.toISOString(),
    expectedVersion: undefined,
  });
  if (stored) await configs.setOverride(stored);
  const runs = new InMemoryRunRepository();
  const deps = { configs, runs, hosts: { lookoutvision: new ObedientHost() }, sleep: async () => {} };
  for (let at = from.getTime(); at < to.getTime(); at += STEP_MS) {
    // A unit change stops the model in one pass and starts it in the next; the shift-edge
    // schedules and the tick give it that next pass at the same minute.
    for (let pass = 0; pass < 3; pass += 1) {
      const report = await reconcile(deps, { at: new Date(at) });
      if (!report.outcomes.some((o) => o.desired === 'on' && o.action === 'stop')) break;
    }
  }
  const records = await runs.list('line-1');
  const ticked = records.map(unitsOf).sort();
  const tickedLeads = records.map((run) => `${run.runId} lead ${run.leadMinutes}`).sort();

  // The plan learns `auto` leads from the same record, as `shiftctl plan` does from the table.
  const plan = planBetween(await withRecordedStarts(runs, config, from, to), from, to, {
    overrides: stored
      ? [
          {
            model: stored.model,
            state: stored.state,
            until: new Date(stored.until),
            setAt: new Date(stored.setAt),
            ...(stored.reason ? { reason: stored.reason } : {}),
          },
        ]
      : [],
  });
  // A learned lead is not a multiple of the grid: a run whose start falls after the last pass of the
  // range is listed by the plan but not yet reached by any pass.
  const lastPass = from.getTime() + (input.lengthSteps - 1) * STEP_MS;
  const reached = plan.runs.filter((run) => run.startAt.getTime() <= lastPass);
  const planned = reached.map(unitsOf).sort();
  const plannedLeads = reached.map((run) => `${run.runId} lead ${run.lead.minutes}`).sort();
  const endless = plan.runs.some((run) => run.end.getTime() - run.startAt.getTime() >= 7 * DAY_MS);
  return { ticked, planned, endless, tickedLeads, plannedLeads };
};

describe('plan = tick', () => {
  it('the tick records exactly the runs the plan lists, with their ids, units and leads, overrides included', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (input) => {
        const { ticked, planned, endless, tickedLeads, plannedLeads } = await planAndTick(input);
        // A chain without a break longer than the lead is cut where the engine's look-back ends,
        // which moves with the instant asked about (see RUN_LOOK_BACK_DAYS): no run id holds for it.
        fc.pre(!endless);
        expect(ticked).toEqual(planned);
        expect(tickedLeads).toEqual(plannedLeads);
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('names an override run after the instant it begins, with the units of the run it follows on from', async () => {
    // Prepare: a day shift at 2–4 units; an override on set during it runs past its end
    const { ticked, planned } = await planAndTick({
      timezone: 'UTC',
      shifts: [
        {
          name: 's0',
          days: 'mon-sun',
          start: '06:00',
          end: '14:00',
          minInferenceUnits: 2,
          maxInferenceUnits: 4,
        },
      ],
      leadSteps: 0,
      unitChange: 'keep-highest',
      anchor: '2026-06-15',
      fromStep: 0,
      lengthSteps: DAY_STEPS,
      override: { state: 'on', setAtStep: 40, lengthSteps: 20, reason: 'overtime' },
    });

    // Assess: 10:00 set, 15:00 until; the override run begins at 14:00 and keeps 2–4 units
    expect(planned).toEqual([
      'line-1@2026-06-15T06:00:00.000Z 2-4',
      'line-1@2026-06-15T14:00:00.000Z~override 2-4',
    ]);
    expect(ticked).toEqual(planned);
  });

  it('resumes a run an override off was set during under its own id when the override expires', async () => {
    // Prepare: 06:00–14:00 at 2 units; off from 08:00 to 10:00
    const { ticked, planned } = await planAndTick({
      timezone: 'UTC',
      shifts: [{ name: 's0', days: 'mon-sun', start: '06:00', end: '14:00', minInferenceUnits: 2 }],
      leadSteps: 0,
      unitChange: 'keep-highest',
      anchor: '2026-06-15',
      fromStep: 0,
      lengthSteps: DAY_STEPS,
      override: { state: 'off', setAtStep: 32, lengthSteps: 8, reason: undefined },
    });

    // Assess
    expect(planned).toEqual(['line-1@2026-06-15T06:00:00.000Z 2', 'line-1@2026-06-15T06:00:00.000Z~2 2']);
    expect(ticked).toEqual(planned);
  });

  it('hosts the lowest minimum before a run an override on reaches, then starts that run with its units', async () => {
    // Prepare: 06:00–14:00 at 3 units, 18:00–20:00 at 1; on from 04:00 to 07:00
    const { ticked, planned } = await planAndTick({
      timezone: 'UTC',
      shifts: [
        { name: 's0', days: 'mon-sun', start: '06:00', end: '14:00', minInferenceUnits: 3 },
        { name: 's1', days: 'mon-sun', start: '18:00', end: '20:00', minInferenceUnits: 1 },
      ],
      leadSteps: 0,
      unitChange: 'keep-highest',
      anchor: '2026-06-15',
      fromStep: 0,
      lengthSteps: DAY_STEPS / 2,
      override: { state: 'on', setAtStep: 16, lengthSteps: 12, reason: undefined },
    });

    // Assess
    expect(planned).toEqual([
      'line-1@2026-06-15T04:00:00.000Z~override 1',
      'line-1@2026-06-15T06:00:00.000Z 3',
    ]);
    expect(ticked).toEqual(planned);
  });
});
