import type { ModelOutcome, PassReport, ReconcileDeps } from '../app/reconcile.ts';
import { reconcile } from '../app/reconcile.ts';
import { reconcileEdge } from '../app/shift-edge.ts';
import { reconcileTimer } from '../app/start-at.ts';
import { timerLeadInMs } from '../app/start-timers.ts';
import type { VirtualClock } from '../emulator/clock.ts';
import type { EmulatorEngine } from '../emulator/engine.ts';
import type { ModelMeasurement } from '../emulator/provider-emulator.ts';
import type { ObservedState } from '../hosting/model-host.ts';
import type { ShiftsConfig } from '../providers/config.ts';
import { emulators } from '../providers/emulators.ts';
import { observedStateOfStatus } from '../providers/kit/statuses.ts';
import type { RunningLookoutVisionEmulator } from '../providers/lookoutvision/emulator/index.ts';
import { providerOf, refOfModel } from '../providers/registry.ts';
import type { RunningRekognitionEmulator } from '../providers/rekognition/emulator/index.ts';
import type { RunningSageMakerEmulator } from '../providers/sagemaker/emulator/index.ts';
import { firingsBetween } from '../schedule/eventbridge.ts';
import { runsBetween } from '../schedule/runs.ts';
import { VirtualStartTimers } from './virtual-start-timers.ts';

const minuteMs = 60_000;

/**
 * A model's status at its hosting service: the service's own word (a SageMaker inference
 * component's status read with its copy counts), as its provider's status table names it.
 */
export type HostingStatus = string;

/** A span of time in which a model had one status at the hosting service. */
export interface StatusSpan {
  readonly status: HostingStatus;
  /** What the status means to the scheduler, as its hosting adapter reads it. */
  readonly state: ObservedState;
  readonly from: Date;
  readonly to: Date;
}

/** What a simulated week (or any span) showed for one model, measured at the service (the emulator). */
export interface ModelMeasure {
  readonly model: string;
  /**
   * Minutes of shift time, and of those the minutes the model was HOSTED, for the runs that start
   * within the simulation (a run under way at its beginning had no chance to be started).
   */
  readonly shiftMinutes: number;
  readonly hostedShiftMinutes: number;
  /** hostedShiftMinutes / shiftMinutes (1 when there were no shifts). */
  readonly coverage: number;
  /** Windows not HOSTED at their first minute, with how many minutes late they became HOSTED. */
  readonly lateWindows: readonly { shift: string; start: Date; minutesLate: number | null }[];
  /** Unit-minutes the service billed, in all … */
  readonly billedUnitMinutes: number;
  /** … within the lead before a run, the run itself, and the stop slack after it … */
  readonly billedPlannedUnitMinutes: number;
  /** … and outside those (what a scheduler should never pay for). */
  readonly billedOutsideUnitMinutes: number;
  /** Unit-minutes the plan projects (lead included) for the same span. */
  readonly plannedUnitMinutes: number;
  readonly timeline: readonly StatusSpan[];
}

export interface SimulationResult {
  readonly from: Date;
  readonly to: Date;
  readonly passes: number;
  readonly edgePasses: number;
  /** Passes that start timers (and continuations) triggered between the minutes. */
  readonly timerPasses: number;
  readonly decisions: Readonly<Record<string, number>>;
  readonly alerts: readonly (ModelOutcome & { at: Date })[];
  readonly models: readonly ModelMeasure[];
  /** Start calls the service accepted (token replays not counted), per model. */
  readonly acceptedStarts: Readonly<Record<string, number>>;
  readonly replayedStarts: number;
}

/**
 * What acts at each simulated minute. The default runs the scheduler's own use cases; a benchmark
 * passes another strategy (a plain cron, a naive reconciler) to measure it the same way. A driver
 * that also acts between the minutes (start timers) has `advance`, which the simulation calls
 * before it moves the clock to the next minute.
 */
export type Driver = ((at: Date) => Promise<readonly PassReport[]>) & {
  /** Acts at every instant before `to` that it has something for, moving the clock there first. */
  readonly advance?: (to: Date) => Promise<readonly PassReport[]>;
};

export interface DeployedDriverOptions {
  readonly config: ShiftsConfig;
  readonly deps: ReconcileDeps;
  /** The emulators' clock: timers are delivered at their instants on it. */
  readonly clock: VirtualClock;
  /** Where the first tick falls; ticks follow every `tickMinutes`. */
  readonly from: Date;
  readonly to: Date;
  /** The reconcile tick's period; 5 minutes as deployed. */
  readonly tickMinutes?: number;
  /** Whether the shift-edge schedules fire as EventBridge Scheduler would (default true). */
  readonly edges?: boolean;
  /** The queue the ticks arm start timers on; a new one when absent. */
  readonly timers?: VirtualStartTimers;
  /**
   * Each function's timeout: every invocation then gets Lambda's deadline, counted on the virtual
   * clock from when it begins (see {@link deployedTimeoutsMs}). Without it passes have no deadline.
   */
  readonly timeoutsMs?: { readonly tick: number; readonly edge: number; readonly startAt: number };
}

/** The functions' timeouts as serverless.yml sets them. */
export const deployedTimeoutsMs = { tick: 240_000, edge: 240_000, startAt: 300_000 } as const;

/** The scheduler as deployed, and what it did. */
export interface DeployedDriver extends Driver {
  readonly advance: (to: Date) => Promise<readonly PassReport[]>;
  readonly timers: VirtualStartTimers;
  readonly counts: { passes: number; edgePasses: number; timerPasses: number };
}

/**
 * The scheduler as deployed: the 5-minute reconcile tick (which arms start timers for the starts
 * due before the next tick), the shift-edge schedules as EventBridge Scheduler fires them, and the
 * start timers delivered at their instants as SQS delivers delayed messages.
 */
export const deployedDriver = (options: DeployedDriverOptions): DeployedDriver => {
  const { config, clock, from, to } = options;
  const timers = options.timers ?? new VirtualStartTimers();
  const { timeoutsMs } = options;
  /** The deps of one invocation of the function `kind`, with its deadline when timeouts are given. */
  const invocation = (kind: 'tick' | 'edge' | 'startAt'): ReconcileDeps => {
    if (!timeoutsMs) return { ...options.deps, timers };
    const deadline = clock.now().getTime() + timeoutsMs[kind];
    return { ...options.deps, timers, timeLeft: () => deadline - clock.now().getTime() };
  };
  const tickMs = (options.tickMinutes ?? 5) * minuteMs;
  const firings =
    options.edges === false ? [] : firingsBetween(config, from, to).filter((firing) => !firing.skipped);
  const firingsAt = new Map<number, typeof firings>();
  for (const firing of firings)
    firingsAt.set(firing.at.getTime(), [...(firingsAt.get(firing.at.getTime()) ?? []), firing]);
  const counts = { passes: 0, edgePasses: 0, timerPasses: 0 };

  const drive = async (at: Date): Promise<readonly PassReport[]> => {
    const reports: PassReport[] = [];
    for (const firing of firingsAt.get(at.getTime()) ?? []) {
      const edge = await reconcileEdge(
        invocation('edge'),
        {
          schedule: firing.entry.schedule,
          edge: firing.entry.kind,
          shifts: firing.entry.shifts,
          scheduledTime: at.toISOString(),
        },
        at,
      );
      if (edge) {
        counts.edgePasses += 1;
        reports.push(edge);
      }
    }
    if ((at.getTime() - from.getTime()) % tickMs === 0) {
      reports.push(
        await reconcile(invocation('tick'), {
          at,
          trigger: 'tick',
          armTimersUntil: new Date(at.getTime() + tickMs),
          // What one startAt invocation sends: its timeout less the deadline margin and lead-in.
          ...(timeoutsMs ? { timerSendWindowMs: timeoutsMs.startAt - 10_000 - timerLeadInMs } : {}),
        }),
      );
      counts.passes += 1;
    }
    return reports;
  };
  const advance = async (until: Date): Promise<readonly PassReport[]> => {
    const reports: PassReport[] = [];
    for (let due = timers.takeDue(until.getTime()); due; due = timers.takeDue(until.getTime())) {
      if (due.dueMs > clock.now().getTime()) clock.set(due.dueMs);
      const report = await reconcileTimer(invocation('startAt'), due.message, clock.now());
      if (report) {
        counts.timerPasses += 1;
        reports.push(report);
      }
    }
    return reports;
  };
  return Object.assign(drive, { advance, timers, counts });
};

export interface SimulationOptions {
  readonly config: ShiftsConfig;
  /** The scheduler's stores and hosts, for the default driver. */
  readonly deps: ReconcileDeps;
  /** Replaces the scheduler (reconcile tick and shift edges) with another strategy. */
  readonly driver?: Driver;
  readonly emulator: RunningLookoutVisionEmulator & { readonly clock: VirtualClock };
  /**
   * The Rekognition emulator holding the config's Rekognition models, on the same clock as
   * `emulator`; without it those models are not measured.
   */
  readonly rekognition?: RunningRekognitionEmulator;
  /** The SageMaker emulator holding the config's SageMaker models; without it they are not measured. */
  readonly sagemaker?: RunningSageMakerEmulator;
  readonly from: Date;
  readonly to: Date;
  /** The reconcile tick's period; 5 minutes as deployed. */
  readonly tickMinutes?: number;
  /** Whether the shift-edge schedules fire as EventBridge Scheduler would (default true). */
  readonly edges?: boolean;
  /** Minutes after a run's end in which billing still counts as planned (the stop taking effect). */
  readonly stopSlackMinutes?: number;
  /** Called after every simulated minute that had a pass, and once an hour. */
  readonly onProgress?: (progress: { at: Date; hosted: number; passes: number; report?: PassReport }) => void;
  /** The queue the default driver's ticks arm start timers on; a new one when absent. */
  readonly timers?: VirtualStartTimers;
}

/** How one model is measured at its emulator: its provider's emulator measurement and status table. */
interface Measured extends ModelMeasurement {
  readonly id: string;
  /** The scheduler's reading of a status: the provider's own status table. */
  stateOf(status: HostingStatus): ObservedState;
}

/** `model` measured at the engine of its provider among `engines`; undefined when none holds it. */
const measuredOf = (
  model: ShiftsConfig['models'][number],
  engines: readonly EmulatorEngine[],
): Measured | undefined => {
  const ref = refOfModel(model);
  const provider = providerOf(ref.provider);
  const engine = engines.find((candidate) => candidate.service === ref.provider);
  if (!provider || !engine) return undefined;
  const measurement = emulators[provider.id as keyof typeof emulators].measure(engine, ref);
  if (!measurement) return undefined;
  return {
    id: model.id,
    ...measurement,
    stateOf: (status) => observedStateOfStatus(provider.statuses, status),
  };
};

/**
 * Runs the scheduler's own use cases (the reconcile tick and the shift edges, as the Lambdas do)
 * over [from, to) on the emulator's virtual clock, minute by minute, and measures at the emulator
 * what a plant cares about: was the model HOSTED through every shift, and what was paid for outside
 * the plan.
 */
export const simulate = async (options: SimulationOptions): Promise<SimulationResult> => {
  const { config, deps, emulator, rekognition, sagemaker, from, to } = options;

  const engines = [emulator, rekognition, sagemaker].filter((engine) => engine !== undefined);
  const models = config.models.flatMap((model) => {
    const measured = measuredOf(model, engines);
    return measured ? [measured] : [];
  });
  const timelines = new Map(
    models.map((model) => [
      model.id,
      [] as { status: HostingStatus; state: ObservedState; from: number; to: number }[],
    ]),
  );
  const decisions: Record<string, number> = {};
  const alerts: (ModelOutcome & { at: Date })[] = [];

  const record = (report: PassReport) => {
    for (const outcome of report.outcomes) {
      const key = `${outcome.action}/${outcome.result}`;
      decisions[key] = (decisions[key] ?? 0) + 1;
      if (outcome.alert) alerts.push({ ...outcome, at: report.at });
    }
  };

  const scheduler = deployedDriver({
    config,
    deps,
    clock: emulator.clock,
    from,
    to,
    ...(options.tickMinutes === undefined ? {} : { tickMinutes: options.tickMinutes }),
    ...(options.edges === undefined ? {} : { edges: options.edges }),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const driver = options.driver ?? scheduler;

  for (let t = from.getTime(); t < to.getTime(); t += minuteMs) {
    const at = new Date(t);
    const between = (await driver.advance?.(at)) ?? [];
    for (const report of between) record(report);
    // A pass paced on the virtual clock may have run past the minute; the clock never goes back.
    if (t > emulator.clock.now().getTime()) emulator.clock.set(t);
    const reports = await driver(at);
    for (const report of reports) record(report);
    const report = reports.at(-1);
    let hosted = 0;
    for (const model of models) {
      const status = model.status();
      const state = model.stateOf(status);
      if (state === 'hosted') hosted += 1;
      const timeline = timelines.get(model.id) ?? [];
      const last = timeline.at(-1);
      if (last && last.status === status && last.to === t) last.to = t + minuteMs;
      else timeline.push({ status, state, from: t, to: t + minuteMs });
    }
    if (report || (t - from.getTime()) % (60 * minuteMs) === 0) {
      options.onProgress?.({ at, hosted, passes: scheduler.counts.passes, ...(report ? { report } : {}) });
    }
  }

  if (to.getTime() > emulator.clock.now().getTime()) emulator.clock.set(to);
  const calls = emulator.callLog();
  const acceptedStarts: Record<string, number> = {};
  for (const model of models) acceptedStarts[model.id] = model.acceptedStarts();

  const stopSlackMs = (options.stopSlackMinutes ?? 10) * minuteMs;
  const measures = models.map((model): ModelMeasure => {
    const timeline = timelines.get(model.id) ?? [];
    const hostedAt = (instant: number) =>
      timeline.some((span) => span.state === 'hosted' && span.from <= instant && instant < span.to);
    const runs = runsBetween(config, from, to, { model: model.id });
    // A run already under way when the simulation begins had no chance to be started: not measured.
    const windows = runs
      .filter((run) => run.startAt.getTime() >= from.getTime())
      .flatMap((run) => run.windows);
    let shiftMinutes = 0;
    let hostedShiftMinutes = 0;
    const lateWindows: ModelMeasure['lateWindows'][number][] = [];
    for (const window of windows) {
      const start = Math.max(window.start.getTime(), from.getTime());
      const end = Math.min(window.end.getTime(), to.getTime());
      if (start >= end) continue;
      let firstHosted: number | null = null;
      for (let m = start; m < end; m += minuteMs) {
        shiftMinutes += 1;
        if (hostedAt(m)) {
          hostedShiftMinutes += 1;
          firstHosted ??= m;
        }
      }
      if (firstHosted !== start) {
        lateWindows.push({
          shift: window.shift,
          start: window.start,
          minutesLate: firstHosted === null ? null : (firstHosted - start) / minuteMs,
        });
      }
    }
    const planned = runs.map((run) => ({
      from: run.startAt.getTime(),
      to: run.end.getTime(),
      units: run.minInferenceUnits,
    }));
    const allowed = planned.map((span) => ({ from: span.from, to: span.to + stopSlackMs }));
    let billed = 0;
    let billedPlanned = 0;
    for (const entry of model.billedRuns()) {
      const end = (entry.endedAt ?? to).getTime();
      for (let m = entry.startedAt.getTime(); m < end; m += minuteMs) {
        const slice = Math.min(minuteMs, end - m) / minuteMs;
        billed += entry.minInferenceUnits * slice;
        if (allowed.some((span) => span.from <= m && m < span.to))
          billedPlanned += entry.minInferenceUnits * slice;
      }
    }
    const plannedUnitMinutes = planned.reduce(
      (sum, span) =>
        sum +
        (span.units * (Math.min(span.to, to.getTime()) - Math.max(span.from, from.getTime()))) / minuteMs,
      0,
    );
    return {
      model: model.id,
      shiftMinutes,
      hostedShiftMinutes,
      coverage: shiftMinutes === 0 ? 1 : hostedShiftMinutes / shiftMinutes,
      lateWindows,
      billedUnitMinutes: billed,
      billedPlannedUnitMinutes: billedPlanned,
      billedOutsideUnitMinutes: billed - billedPlanned,
      plannedUnitMinutes,
      timeline: timeline.map((span) => ({
        status: span.status,
        state: span.state,
        from: new Date(span.from),
        to: new Date(span.to),
      })),
    };
  });

  return {
    from,
    to,
    passes: scheduler.counts.passes,
    edgePasses: scheduler.counts.edgePasses,
    timerPasses: scheduler.counts.timerPasses,
    decisions,
    alerts,
    models: measures,
    acceptedStarts,
    replayedStarts: calls.filter((call) => call.api === 'StartModel' && call.outcome === 'replayed').length,
  };
};
