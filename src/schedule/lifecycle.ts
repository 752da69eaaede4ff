import type { SchedulerConfig } from './config.ts';
import { resolvedModel } from './config.ts';
import type { Desired, Override } from './desired.ts';
import { desiredAt, overridePhrase } from './desired.ts';
import { fixedLead, type Lead } from './lead.ts';
import type { Run } from './runs.ts';
import { runsBetween } from './runs.ts';

/**
 * A run's life before it is recorded: which run a model is wanted in at an instant, given its
 * schedule (runs, back-to-back chains, unit changes) and its override. `shiftctl plan` lists these
 * runs over a range and the reconcile tick asks for the one covering its instant, so both name the
 * same run with the same units. What becomes of a run once recorded (intents, acceptance, refusal,
 * retries, closing) is decided in app/decide.ts.
 */

/** A run the scheduler will create: a scheduled run, or one an override 'on' asks for outside them. */
export interface PlannedRun extends Run {
  origin: 'schedule' | 'override';
}

/** The run the schedule (or an override) wants at an instant, in the terms a run record keeps. */
export interface WantedRun {
  readonly runId: string;
  readonly origin: 'schedule' | 'override';
  readonly schedule?: string;
  readonly windows: readonly { shift: string; start: Date; end: Date }[];
  readonly startAt: Date;
  readonly end: Date;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  /** The lead the run starts with (0 for an override's run, which starts when it is asked for). */
  readonly lead?: Lead;
}

/** A model's runs over a range after its override, and what a reader of the plan must know about them. */
export interface ModelRuns {
  runs: PlannedRun[];
  notes: string[];
}

/** What the lifecycle wants for a model at one instant. */
export interface WantedAt {
  desired: Desired;
  /** The run to be in, when the model is wanted on. */
  run?: WantedRun;
  /** Whether an override holds the model on at that instant (it wins over budgets). */
  overrideOn: boolean;
}

type Units = { minInferenceUnits: number; maxInferenceUnits?: number };

const unitsLabel = (units: Units): string =>
  units.maxInferenceUnits === undefined || units.maxInferenceUnits === units.minInferenceUnits
    ? `${units.minInferenceUnits}`
    : `${units.minInferenceUnits}–${units.maxInferenceUnits}`;

/**
 * The id of the run an override 'on' asks for outside the model's scheduled runs:
 * `<model>@<ISO instant it begins>~override`. It begins when the override was set, or, where the
 * override outlasts a scheduled run, when that run ends.
 */
export const overrideRunId = (model: string, begins: Date): string =>
  `${model}@${begins.toISOString()}~override`;

/**
 * The id of the part of a scheduled run that an override 'off' set during it leaves: the run is
 * stopped when the override is set and started again under this id when it expires.
 */
export const resumedRunId = (runId: string): string => `${runId}~2`;

/** When an override takes hold: when it was set, or, for one with no such instant, `fallback`. */
const heldFrom = (override: Override, fallback: Date): Date => override.setAt ?? fallback;

/** Whether `override` holds the model at `at`: set by then and not yet expired. */
export const overrideInForce = (override: Override, at: Date): boolean =>
  (override.setAt === undefined || override.setAt.getTime() <= at.getTime()) &&
  at.getTime() < override.until.getTime();

const scheduled = (run: Run): PlannedRun => ({ ...run, origin: 'schedule' });

/**
 * An override 'off' over [since, until): a run that starts in it starts at `until` (or is not
 * hosted, when it ends by then); a run already going at `since` stops then and resumes at `until`.
 */
const applyOff = (
  runs: readonly PlannedRun[],
  since: Date,
  until: Date,
  phrase: string,
  notes: string[],
): PlannedRun[] =>
  runs.flatMap((run): PlannedRun[] => {
    if (run.end.getTime() <= since.getTime() || run.startAt.getTime() >= until.getTime()) return [run];
    const prefix = `${run.model}: ${phrase}; run ${run.runId}`;
    const rest = run.end.getTime() > until.getTime();
    if (run.startAt.getTime() < since.getTime()) {
      const resumed = resumedRunId(run.runId);
      notes.push(`${prefix} is stopped at ${since.toISOString()}${rest ? ` and resumes as ${resumed}` : ''}`);
      const head = { ...run, end: since };
      return rest ? [head, { ...run, runId: resumed, startAt: until, lead: fixedLead(0) }] : [head];
    }
    if (!rest) {
      notes.push(`${prefix} is not hosted`);
      return [];
    }
    notes.push(`${prefix} starts at its end`);
    return [{ ...run, startAt: until, lead: fixedLead(0) }];
  });

/**
 * An override 'on' over [since, until): the scheduled runs stay as they are, and each stretch
 * between them gets an override run. That run keeps the units of the scheduled run it follows on
 * from, so the hosted model is handed over rather than restarted; otherwise it has the lowest
 * minimum of the model's shifts.
 */
const applyOn = (
  config: SchedulerConfig,
  modelId: string,
  runs: readonly PlannedRun[],
  since: Date,
  until: Date,
  phrase: string,
  notes: string[],
): PlannedRun[] => {
  const resolved = resolvedModel(config, modelId);
  const lowest: Units = {
    minInferenceUnits: Math.min(...resolved.schedule.shifts.map((shift) => shift.minInferenceUnits)),
  };
  const added: PlannedRun[] = [];
  const fill = (begins: Date, ends: Date) => {
    if (ends.getTime() <= begins.getTime()) return;
    const follows = runs.findLast((run) => run.end.getTime() === begins.getTime());
    const units: Units = follows
      ? {
          minInferenceUnits: follows.minInferenceUnits,
          ...(follows.maxInferenceUnits === undefined
            ? {}
            : { maxInferenceUnits: follows.maxInferenceUnits }),
        }
      : lowest;
    const runId = overrideRunId(modelId, begins);
    notes.push(
      `${modelId}: ${phrase}; run ${runId} hosted with ${unitsLabel(units)} unit(s)` +
        (follows ? `, following on from ${follows.runId}` : ''),
    );
    added.push({
      model: modelId,
      runId,
      origin: 'override',
      schedule: resolved.scheduleName,
      windows: [],
      start: begins,
      end: ends,
      startAt: begins,
      lead: fixedLead(0),
      ...units,
    });
  };
  let cursor = since;
  for (const run of runs) {
    if (run.end.getTime() <= cursor.getTime()) continue;
    if (run.startAt.getTime() >= until.getTime()) break;
    fill(cursor, run.startAt);
    cursor = run.end;
  }
  fill(cursor, until);
  return [...runs, ...added].sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
};

/**
 * The runs of one model whose span [startAt, end) overlaps [from, to), after its override, sorted by
 * start action. An override holds from its `setAt` (from `from` when it has none) until its `until`.
 * These are exactly the runs the reconcile tick records when it acts at their instants.
 */
export const modelRunsBetween = (
  config: SchedulerConfig,
  modelId: string,
  from: Date,
  to: Date,
  override?: Override,
): ModelRuns => {
  const notes: string[] = [];
  const since = override ? heldFrom(override, from) : from;
  const holds = override !== undefined && since.getTime() < override.until.getTime();
  // A run that ends just as the override takes hold is reached too: an override run follows on from it.
  const reach = holds
    ? {
        from: new Date(Math.min(from.getTime(), since.getTime() - 1)),
        to: new Date(Math.max(to.getTime(), override.until.getTime())),
      }
    : { from, to };
  let runs = runsBetween(config, reach.from, reach.to, { model: modelId }).map(scheduled);
  if (holds) {
    const phrase = overridePhrase(override);
    runs =
      override.state === 'off'
        ? applyOff(runs, since, override.until, phrase, notes)
        : applyOn(config, modelId, runs, since, override.until, phrase, notes);
  }
  return {
    runs: runs.filter((run) => run.startAt.getTime() < to.getTime() && run.end.getTime() > from.getTime()),
    notes,
  };
};

/** A planned run in the terms a run record keeps. */
export const wantedOf = (run: PlannedRun): WantedRun =>
  run.origin === 'override'
    ? {
        runId: run.runId,
        origin: 'override',
        windows: [{ shift: 'override', start: run.startAt, end: run.end }],
        startAt: run.startAt,
        end: run.end,
        lead: run.lead,
        minInferenceUnits: run.minInferenceUnits,
        ...(run.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: run.maxInferenceUnits }),
      }
    : {
        runId: run.runId,
        origin: 'schedule',
        schedule: run.schedule,
        windows: run.windows,
        startAt: run.startAt,
        end: run.end,
        lead: run.lead,
        minInferenceUnits: run.minInferenceUnits,
        ...(run.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: run.maxInferenceUnits }),
      };

/**
 * What the lifecycle wants for `modelId` at `at`: the desired state and its reason (as
 * {@link desiredAt} tells it) and the run covering `at` among {@link modelRunsBetween}'s, so the
 * tick starts the run the plan lists.
 */
export const wantedAt = (
  config: SchedulerConfig,
  modelId: string,
  at: Date,
  override?: Override,
): WantedAt => {
  const active = override !== undefined && overrideInForce(override, at) ? override : undefined;
  const desired = desiredAt(config, modelId, at, active ? { overrides: [active] } : undefined);
  const t = at.getTime();
  const covering =
    desired.state === 'on'
      ? modelRunsBetween(config, modelId, at, new Date(t + 1), override).runs.find(
          (run) => run.startAt.getTime() <= t && t < run.end.getTime(),
        )
      : undefined;
  return {
    desired,
    ...(covering ? { run: wantedOf(covering) } : {}),
    overrideOn: active?.state === 'on',
  };
};
