import { SchedulerError } from '../errors.ts';
import { HostingError, type ModelHost, type ModelRef, type Observation } from '../hosting/model-host.ts';
import { refKey, refOfModel } from '../providers/registry.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { resolvedModel } from '../schedule/config.ts';
import type { Override } from '../schedule/desired.ts';
import { type WantedRun, wantedAt } from '../schedule/lifecycle.ts';
import {
  type ConfigRepository,
  NotConfiguredError,
  type RefusedConfig,
  type StoredOverride,
} from '../store/config-repository.ts';
import { type RunRecord, type TokenRecord, tokenLifetimeMs } from '../store/run-record.ts';
import { ConcurrentUpdateError, type RunRepository } from '../store/run-repository.ts';
import { budgetCheck } from './budget.ts';
import {
  acceptIntent,
  type Call,
  type Decision,
  type DecisionPolicy,
  decide,
  defaultPolicy,
  givesUp,
  isRecordOf,
  refuseIntent,
} from './decide.ts';
import { overrideOf } from './overrides.ts';
import { withRecordedStarts } from './recorded-starts.ts';
import {
  plannedStartTimers,
  rateOfConfig,
  type StartTimerMessage,
  type StartTimers,
} from './start-timers.ts';

/** The hosting services the scheduler can act through, by provider. */
export type HostRegistry = Partial<Record<ModelRef['provider'], ModelHost>>;

export interface ReconcileDeps {
  readonly configs: ConfigRepository;
  readonly runs: RunRepository;
  readonly hosts: HostRegistry;
  readonly policy?: Partial<DecisionPolicy>;
  /** Models acted on at once; keeps the pass under the service's 5 requests per second. */
  readonly concurrency?: number;
  /** Extra tries of a throttled or failed call within the pass, after the SDK's own retries. */
  readonly callRetries?: number;
  /** Waits between those tries; injected so simulations need not wait on the wall clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  /**
   * Milliseconds left before the invocation is cut off (Lambda's `getRemainingTimeInMillis`), read
   * on the caller's clock. With it, the pass ends `deadlineMarginMs` before that, and each model's
   * calls get a share of what is left. Without it the pass has no deadline.
   */
  readonly timeLeft?: () => number;
  /** Time kept free before the deadline for the last lines and the return; default 10 seconds. */
  readonly deadlineMarginMs?: number;
  /** Each model's outcome as soon as it is known, so that a pass cut short still leaves its lines. */
  readonly onOutcome?: (outcome: ModelOutcome, pass: PassHeader) => void;
  /**
   * Where the pass arms start timers (for `armTimersUntil`) and the continuation of what it left at
   * its deadline. Without it nothing is armed: the next tick picks up.
   */
  readonly timers?: StartTimers;
  /**
   * The clock the pass's calls wait on (the pacer's): the time it spends is added to `at`, so a
   * start sent 40 s into the pass is recorded 40 s after `at`. Without it the pass acts at `at`.
   */
  readonly clock?: PassClock;
  /** The pacer of the hosts' clients: each pass sets the request rates of the configuration it read. */
  readonly pacer?: { setProviderRates(rateOf: (provider: string) => number): void };
}

/** The time base a pass's calls wait on. */
export interface PassClock {
  now(): Date;
  /**
   * A clock that moves only when a call waits on it (the simulation's): the pass then checks its
   * deadline on this clock before each model and each call, instead of racing each model against a
   * wall-clock share of the time left.
   */
  readonly virtual?: boolean;
}

export interface ReconcileRequest {
  readonly at: Date;
  /** What triggered the pass, for the logs: the reconcile tick or a shift edge. */
  readonly trigger?: string;
  /** Only these models (every configured model when absent). */
  readonly models?: readonly string[];
  /** Only the models that follow this schedule. */
  readonly schedule?: string;
  /**
   * Per model, the start instant the pass decides it for (a start timer's queue): the model counts
   * as wanted on from then even when its start is sent earlier, and models go earliest first.
   */
  readonly startsFor?: Readonly<Record<string, Date>>;
  /** The next tick: arm start timers for the sends due before it (see {@link plannedStartTimers}). */
  readonly armTimersUntil?: Date;
  /** How long one invocation of a timer's pass can send; a longer queue's timer fires earlier. */
  readonly timerSendWindowMs?: number;
}

/** What one pass did for one model: a line of `shiftctl tick` and one log line of the Lambda. */
export interface ModelOutcome {
  readonly model: string;
  readonly desired: 'on' | 'off';
  readonly observed: Observation['state'] | 'unknown';
  readonly action: Decision['action'];
  /** `sent`: the service accepted the call; `deferred`: it will be tried again; `failed`: given up; `done`: nothing to send. */
  readonly result: 'sent' | 'deferred' | 'failed' | 'done';
  readonly reason: string;
  readonly runId?: string;
  readonly clientToken?: string;
  readonly errorCode?: string;
  readonly alert?: boolean;
  /** The model's hosting service (absent only when the model could not be resolved). */
  readonly provider?: string;
  /** Minutes since the wanted run's first shift began, while the model is not yet hosted in it. */
  readonly lateMinutes?: number;
  /** The outcome recorded for the run this pass wrote last (`budget-blocked`, `failed`, …). */
  readonly recorded?: RunRecord['outcome'];
}

/** What a pass was for: the instant, what triggered it, and the configuration version it read. */
export interface PassHeader {
  readonly at: Date;
  readonly trigger: string;
  readonly configVersion: number;
  /** A newer stored version that failed validation; `configVersion` is the last valid one, running instead. */
  readonly refusedConfig?: RefusedConfig;
}

export interface PassReport extends PassHeader {
  readonly outcomes: ModelOutcome[];
  /** The start timers the pass armed. */
  readonly timers?: readonly StartTimerMessage[];
  /** What the pass left at its deadline, armed to run at once. */
  readonly continuation?: StartTimerMessage;
  /** Why the timers or the continuation could not be armed (the next tick arms what is still due). */
  readonly timerError?: string;
}

/** The error code of a model's line when the pass reached its deadline before the model's call. */
export const outOfTimeCode = 'OutOfTime';

/** Raised when a pass cannot run at all: the configuration cannot be read. Exit status 1. */
export class PassError extends SchedulerError {
  override readonly name = 'PassError';
  readonly code = 'PassFailed';
}

/**
 * How late an event may arrive and still decide for its own instant. Lambda retries a failed
 * asynchronous invocation for up to hours, and EventBridge Scheduler redelivers too: a pass for such
 * an event would act on a past schedule (start a model whose shift is over). Under the 5 minutes
 * between ticks, so the next tick, which decides at its own time, is never far off.
 */
export const eventToleranceMs = 4 * 60 * 1000;

/** Whether an event for `at` that arrives at `now` is too late to decide for `at`. */
export const isStaleEvent = (at: Date, now: Date): boolean => now.getTime() - at.getTime() > eventToleranceMs;

/**
 * One pass for the instant an event names, unless the event arrives later than
 * {@link eventToleranceMs} after it: then it resolves to undefined and nothing is read or sent.
 *
 * @param now - when the event is handled, on the caller's clock
 */
export const reconcileOnTime = async (
  deps: ReconcileDeps,
  request: ReconcileRequest,
  now: Date,
): Promise<PassReport | undefined> => (isStaleEvent(request.at, now) ? undefined : reconcile(deps, request));

/** Kept free before an invocation's deadline: above middy's early timeout, which aborts at 5 s. */
const defaultDeadlineMarginMs = 10_000;

/** Reads of the runs table in flight at once within a pass. */
const readConcurrency = 8;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The model's place at its hosting service. */
export const modelRefOf = (model: SchedulerConfig['models'][number]): ModelRef => refOfModel(model);

/**
 * One reconcile pass at `at`: for every model, desired (schedule and overrides) against observed
 * (one list call per project) against recorded (runs), then the start or stop that closes the gap.
 * Never waits for a model to be hosted: the next pass looks again. A failure of one model is that
 * model's outcome; the pass throws only when it cannot run at all.
 */
export const reconcile = async (deps: ReconcileDeps, request: ReconcileRequest): Promise<PassReport> => {
  const { at } = request;
  const { applied, overrides } = await deps.configs.snapshot().catch((error: unknown) => {
    throw new PassError(`cannot read the configuration: ${messageOf(error)}`, { cause: error });
  });
  if (!applied) throw new NotConfiguredError();
  // `auto` leads learn from the model's recorded starts up to this pass.
  const config = await withRecordedStarts(deps.runs, applied.config, at);
  const { startsFor } = request;
  const models = config.models.filter(
    (model) =>
      (!request.models || request.models.includes(model.id)) &&
      (request.schedule === undefined || model.schedule === request.schedule),
  );
  // A queue of starts goes earliest first, so each goes out by its own instant.
  if (startsFor) models.sort((a, b) => instantOf(startsFor[a.id], at) - instantOf(startsFor[b.id], at));
  const header: PassHeader = {
    at,
    trigger: request.trigger ?? 'tick',
    configVersion: applied.version,
    ...(applied.refused ? { refusedConfig: applied.refused } : {}),
  };
  const now = passNow(deps, at);
  const budget = passBudget(deps);
  const concurrency = deps.concurrency ?? 2;
  deps.pacer?.setProviderRates(rateOfConfig(config));
  const arming = armStartTimers(deps, request, config, overrides, now);
  // The service and the runs table are asked at the same time; neither answer depends on the other.
  // Observing may take half the time left: the models' own calls need the rest.
  const [observations, openRuns] = await Promise.all([
    observeAll({ ...deps, ...signalWithin(deps.signal, budget() / 2) }, models.map(modelRefOf)),
    mapBounded(models, readConcurrency, (model) =>
      deps.runs.open(model.id).then(
        (runs) => runs,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
    ),
  ]);
  const policy = { ...defaultPolicy, ...deps.policy };

  const outcomes = await mapBounded(models, concurrency, async (model, index) => {
    const observed =
      observations.get(refKey(modelRefOf(model))) ??
      new HostingError('Unknown', `no observation for ${model.id}`, { retryable: true });
    // The models not yet begun share what is left, `concurrency` of them at a time. On a virtual
    // clock a wall-clock share means nothing: the deadline is checked on that clock instead.
    const left = budget();
    const share = deps.clock?.virtual
      ? left > 0
        ? Number.POSITIVE_INFINITY
        : 0
      : left / Math.ceil((models.length - index) / concurrency);
    const outcome = await reconcileWithin(share, deps.signal, model.id, observed, (signal, progress) => {
      const open = openRuns[index];
      if (open instanceof Error) throw open;
      const startFor = startsFor?.[model.id];
      return reconcileModel(
        { ...deps, ...signal },
        {
          config,
          at: now(),
          ...(startFor ? { startFor } : {}),
          now,
          outOfTime: () => budget() <= 0,
          model: model.id,
          observed,
          overrides,
          policy,
          open: open ?? [],
        },
        progress,
      );
    });
    const withProvider: ModelOutcome = { ...outcome, provider: model.provider };
    deps.onOutcome?.(withProvider, header);
    return withProvider;
  });
  const armed = await arming;
  const left = outcomes.filter((outcome) => outcome.errorCode === outOfTimeCode);
  const continued = left.length > 0 ? await armContinuation(deps, header, left, startsFor, now()) : {};
  const timerError = [armed.timerError, continued.timerError].filter(Boolean).join('; ');
  return {
    ...header,
    outcomes,
    ...(armed.timers ? { timers: armed.timers } : {}),
    ...(continued.continuation ? { continuation: continued.continuation } : {}),
    ...(timerError ? { timerError } : {}),
  };
};

const instantOf = (instant: Date | undefined, fallback: Date): number => (instant ?? fallback).getTime();

/** The pass's current instant: `at` plus the time spent since the pass began, on the deps' clock. */
const passNow = (deps: ReconcileDeps, at: Date): (() => Date) => {
  const { clock } = deps;
  if (!clock) return () => at;
  const began = clock.now().getTime();
  return () => new Date(at.getTime() + Math.max(0, clock.now().getTime() - began));
};

/**
 * Arms the start timers due before the next tick. A timer that cannot be armed is the pass's note,
 * not its failure: the pass still acts, and the next tick arms what is still due.
 */
const armStartTimers = async (
  deps: ReconcileDeps,
  request: ReconcileRequest,
  config: SchedulerConfig,
  overrides: readonly StoredOverride[],
  now: () => Date,
): Promise<{ timers?: StartTimerMessage[]; timerError?: string }> => {
  if (!deps.timers || !request.armTimersUntil) return {};
  const timers = plannedStartTimers(
    config,
    overrides,
    request.at,
    request.armTimersUntil,
    rateOfConfig(config),
    request.timerSendWindowMs,
  );
  if (timers.length === 0) return { timers: [] };
  try {
    await deps.timers.arm(timers, now());
    return { timers: timers.map((timer) => timer.message) };
  } catch (error) {
    return { timerError: `start timers not armed: ${messageOf(error)}` };
  }
};

/** Arms, to run at once, a pass for the models a pass left at its deadline. */
const armContinuation = async (
  deps: ReconcileDeps,
  header: PassHeader,
  left: readonly ModelOutcome[],
  startsFor: ReconcileRequest['startsFor'],
  now: Date,
): Promise<{ continuation?: StartTimerMessage; timerError?: string }> => {
  if (!deps.timers) return {};
  const continuation: StartTimerMessage = {
    at: now.toISOString(),
    models: left.map((outcome) => {
      const startFor = startsFor?.[outcome.model];
      return { model: outcome.model, ...(startFor ? { startAt: startFor.toISOString() } : {}) };
    }),
    reason: `continues ${header.trigger} at ${header.at.toISOString()}: ${left.length} model(s) left at its deadline`,
  };
  try {
    await deps.timers.arm([{ message: continuation }], now);
    return { continuation };
  } catch (error) {
    return { timerError: `continuation not armed: ${messageOf(error)}` };
  }
};

/** The milliseconds the pass may still use; unbounded when the caller gave no deadline. */
const passBudget = (deps: ReconcileDeps): (() => number) => {
  const { timeLeft } = deps;
  if (!timeLeft) return () => Number.POSITIVE_INFINITY;
  const margin = deps.deadlineMarginMs ?? defaultDeadlineMarginMs;
  return () => timeLeft() - margin;
};

/** The pass's own signal, joined by a timer of `ms` when that is finite. */
const signalWithin = (signal: AbortSignal | undefined, ms: number): { signal?: AbortSignal } => {
  if (!Number.isFinite(ms)) return signal ? { signal } : {};
  const timer = AbortSignal.timeout(Math.max(0, Math.floor(ms)));
  return { signal: signal ? AbortSignal.any([signal, timer]) : timer };
};

/** How far a model's reconciliation got, for the line of a model whose share ran out. */
interface Progress {
  decided?: Omit<ModelOutcome, 'result'>;
}

/**
 * Reconciles one model within `ms`: its calls get a signal that aborts then, and the pass does not
 * wait for the model any longer (a write that hangs gets no signal), so the other models still run.
 * A model whose share runs out is deferred: the next pass looks again.
 */
const reconcileWithin = async (
  ms: number,
  passSignal: AbortSignal | undefined,
  model: string,
  observed: Observation | HostingError,
  work: (signal: { signal?: AbortSignal }, progress: Progress) => Promise<ModelOutcome>,
): Promise<ModelOutcome> => {
  const seen = observed instanceof Error ? ('unknown' as const) : observed.state;
  const outOfTime = Number.isFinite(ms)
    ? `out of time: its share of the pass (${Math.max(0, Math.round(ms))} ms) ran out`
    : 'out of time: the pass was aborted';
  const progress: Progress = {};
  const deferred = (why: string, errorCode?: string): ModelOutcome => {
    const { decided } = progress;
    const code = errorCode ? { errorCode } : {};
    return decided
      ? { ...decided, result: 'deferred', reason: `${decided.reason} — ${why}`, ...code }
      : { model, desired: 'off', observed: seen, action: 'wait', result: 'deferred', reason: why, ...code };
  };
  if (ms <= 0 || passSignal?.aborted) return deferred(outOfTime, outOfTimeCode);
  if (HostingError.is(observed, 'Aborted')) {
    return deferred(`could not be observed within its share of the pass: ${observed.message}`);
  }
  const signal = signalWithin(passSignal, ms);
  const cut = signal.signal;
  const work$ = work(signal, progress).catch(
    (error: unknown): ModelOutcome => ({
      // One model's trouble (a table hiccup, a bug) never stops the others.
      model,
      desired: progress.decided?.desired ?? 'off',
      observed: seen,
      action: 'wait',
      result: 'failed',
      reason: `could not reconcile: ${messageOf(error)}`,
      alert: true,
    }),
  );
  if (!cut) return work$;
  return Promise.race([
    work$,
    new Promise<ModelOutcome>((resolve) => {
      const stop = () => resolve(deferred(outOfTime, outOfTimeCode));
      if (cut.aborted) stop();
      else cut.addEventListener('abort', stop, { once: true });
    }),
  ]);
};

/**
 * Observes every model with as few calls as each service allows. A service that cannot be asked
 * gives its error for each of its models instead of failing the whole observation.
 */
export const observeAll = async (
  deps: Pick<ReconcileDeps, 'hosts' | 'signal'>,
  refs: readonly ModelRef[],
): Promise<Map<string, Observation | HostingError>> => {
  const result = new Map<string, Observation | HostingError>();
  const byProvider = new Map<ModelRef['provider'], ModelRef[]>();
  for (const ref of refs) byProvider.set(ref.provider, [...(byProvider.get(ref.provider) ?? []), ref]);
  await Promise.all(
    [...byProvider].map(async ([provider, group]) => {
      const host = deps.hosts[provider];
      if (!host) {
        for (const ref of group) {
          result.set(
            refKey(ref),
            new HostingError('Validation', `no ${provider} host is configured`, { retryable: false }),
          );
        }
        return;
      }
      const options = deps.signal ? { signal: deps.signal } : {};
      const observed = await host.observeMany(group, options).catch((error: unknown) => {
        const failure =
          error instanceof HostingError
            ? error
            : new HostingError('Unknown', messageOf(error), { cause: error });
        return new Map(group.map((ref) => [refKey(ref), failure]));
      });
      for (const [key, value] of observed) result.set(key, value);
    }),
  );
  return result;
};

interface ModelContext {
  readonly config: SchedulerConfig;
  /** When the model's turn came: the pass's instant plus the time spent so far. */
  readonly at: Date;
  /** The start instant a start timer decides the model for, when that is later than `at`. */
  readonly startFor?: Date;
  /** The pass's current instant, for what is recorded after a call returns. */
  readonly now: () => Date;
  /** Whether the pass has reached its deadline: no call may be sent any more. */
  readonly outOfTime?: () => boolean;
  readonly model: string;
  readonly observed: Observation | HostingError;
  readonly overrides: readonly StoredOverride[];
  readonly policy: DecisionPolicy;
  /** The model's open runs, read at the start of the pass. */
  readonly open: readonly RunRecord[];
}

const reconcileModel = async (
  deps: ReconcileDeps,
  context: ModelContext,
  progress: Progress,
): Promise<ModelOutcome> => {
  const { config, at, model, observed, open } = context;
  const resolved = resolvedModel(config, model);
  // One override per model; the lifecycle tells whether it holds at `at`.
  const stored = context.overrides.find((candidate) => candidate.model === model);
  const override = stored ? overrideOf(stored) : undefined;
  const {
    desired,
    run: wanted,
    overrideOn,
  } = wantedAt(config, model, decisionInstant(context, override), override);
  const observedState = observed instanceof Error ? ('unknown' as const) : observed.state;
  progress.decided = {
    model,
    desired: desired.state,
    observed: observedState,
    action: 'wait',
    reason: desired.reason,
  };

  // While the wanted run is open its record is at hand; only a new or closed run needs a lookup.
  const openWanted = wanted ? open.filter((run) => isRecordOf(run, wanted)) : [];
  const wantedRecords = !wanted
    ? []
    : openWanted.length > 0
      ? openWanted
      : (await deps.runs.list(model, { since: wanted.startAt, until: wanted.end })).filter((run) =>
          isRecordOf(run, wanted),
        );
  const startsNew = wanted !== undefined && openWanted.length === 0;
  const budgetExceeded =
    startsNew && wanted && !overrideOn ? await budgetCheck(deps.runs, config, model, wanted, at) : undefined;

  const decision = decide({
    at,
    model,
    pricePerInferenceUnitHour: resolved.pricePerInferenceUnitHour,
    desired: { state: desired.state, reason: desired.reason, ...(wanted ? { run: wanted } : {}) },
    observed,
    open,
    wantedRecords,
    ...(budgetExceeded === undefined ? {} : { budgetExceeded }),
    overrideOn,
    policy: context.policy,
  });
  // A late event finds its run stopped by a pass for a later instant: the run was not late, it is over.
  const overtaken = wantedRecords.some((run) =>
    run.stops.some((stop) => Date.parse(stop.intendedAt) > at.getTime()),
  );
  const lateMinutes = wanted && !overtaken ? minutesLate(wanted, observedState, at) : undefined;
  const recorded = decision.writes.at(-1)?.outcome;
  const base = {
    model,
    desired: desired.state,
    observed: observedState,
    action: decision.action,
    reason: decision.reason,
    ...(decision.alert ? { alert: true } : {}),
    ...(lateMinutes === undefined ? {} : { lateMinutes }),
    ...(recorded === undefined ? {} : { recorded }),
  };
  progress.decided = {
    ...base,
    ...(decision.call ? { runId: decision.call.runId, clientToken: decision.call.clientToken } : {}),
  };

  const known = new Map([...open, ...wantedRecords].map((run) => [run.runId, run]));
  try {
    for (const write of decision.writes) {
      const tokens =
        decision.call && decision.call.runId === write.runId ? [tokenRecordOf(write, decision.call, at)] : [];
      await persist(deps.runs, known.get(write.runId), write, tokens);
    }
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) {
      return {
        ...base,
        action: 'wait',
        result: 'deferred',
        reason: `${decision.reason} — another pass acted on ${error.runId} first`,
      };
    }
    throw error;
  }
  const lastWrite = decision.writes.at(-1);
  if (!decision.call) return { ...base, result: 'done', ...(lastWrite ? { runId: lastWrite.runId } : {}) };
  return send(deps, context, resolved.model, decision.call, base);
};

/**
 * How late the wanted run is: whole minutes since its first shift began, when the model is not
 * hosted by then; undefined when it is hosted, or the shift has not begun (or the run, an override's,
 * has no shift).
 */
export const minutesLate = (
  wanted: WantedRun,
  observed: ModelOutcome['observed'],
  at: Date,
): number | undefined => {
  const shiftStart = wanted.windows[0]?.start;
  if (!shiftStart || observed === 'hosted' || observed === 'unknown' || at < shiftStart) return undefined;
  return Math.floor((at.getTime() - shiftStart.getTime()) / 60_000);
};

/**
 * The instant a model is decided for. A start a queue sends ahead of its instant is decided for that
 * instant (the timer names it); and until then, every other pass decides for it too, as long as
 * the run started early is still the one the plan wants then, so no pass stops a model that a queue
 * started ahead of time.
 */
const decisionInstant = (context: ModelContext, override: Override | undefined): Date => {
  const { at } = context;
  if (context.startFor && context.startFor.getTime() > at.getTime()) return context.startFor;
  const early = context.open.find(
    (run) => run.starts.length > 0 && Date.parse(run.plannedStartAt) > at.getTime(),
  );
  if (!early) return at;
  const plannedStart = new Date(early.plannedStartAt);
  const then = wantedAt(context.config, context.model, plannedStart, override).run;
  return then && isRecordOf(early, then) ? plannedStart : at;
};

const persist = async (
  runs: RunRepository,
  before: RunRecord | undefined,
  write: RunRecord,
  tokens: readonly TokenRecord[],
): Promise<void> => {
  if (!before) {
    await runs.create({ ...write, revision: 0 }, tokens);
    return;
  }
  await runs.save({ ...write, revision: before.revision + 1 }, tokens);
};

const tokenRecordOf = (run: RunRecord, call: Call, at: Date): TokenRecord => ({
  clientToken: call.clientToken,
  model: run.model,
  runId: run.runId,
  action: call.action,
  attempt: call.attempt,
  createdAt: at.toISOString(),
  expiresAt: Math.floor((at.getTime() + tokenLifetimeMs) / 1000),
});

/** Sends the call whose intent is on record, then records how it ended. */
const send = async (
  deps: ReconcileDeps,
  context: ModelContext,
  model: SchedulerConfig['models'][number],
  call: Call,
  base: Omit<ModelOutcome, 'result'>,
): Promise<ModelOutcome> => {
  const ref = modelRefOf(model);
  const host = deps.hosts[ref.provider];
  const outcome = { ...base, runId: call.runId, clientToken: call.clientToken };
  if (!host)
    return { ...outcome, result: 'failed', reason: `no ${ref.provider} host is configured`, alert: true };
  const options = deps.signal ? { signal: deps.signal } : {};
  const sleep = deps.sleep ?? defaultSleep;
  if (context.outOfTime?.()) {
    // Recorded as refused with a passing error, so the next pass sends the same intent at once
    // rather than waiting out the lease of a pass that might still be sending it.
    const late = new HostingError('Aborted', 'the pass reached its deadline before sending', {
      retryable: true,
    });
    await updateRun(deps.runs, context.model, call.runId, (run) =>
      refuseIntent(run, call, late, context.now().toISOString()),
    );
    return {
      ...outcome,
      result: 'deferred',
      errorCode: outOfTimeCode,
      reason: `${base.reason} — ${call.action} not sent: the pass reached its deadline`,
    };
  }
  let error: HostingError | undefined;
  for (let attempt = 0; attempt <= (deps.callRetries ?? 2); attempt += 1) {
    if (attempt > 0) await sleep(500 * 2 ** attempt);
    try {
      if (call.action === 'start') {
        await host.start(
          ref,
          {
            minInferenceUnits: call.minInferenceUnits ?? 1,
            ...(call.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: call.maxInferenceUnits }),
            clientToken: call.clientToken,
          },
          options,
        );
      } else {
        await host.stop(ref, { clientToken: call.clientToken }, options);
      }
      error = undefined;
      break;
    } catch (caught) {
      error =
        caught instanceof HostingError
          ? caught
          : new HostingError('Unknown', messageOf(caught), { cause: caught });
      if (!error.retryable || error.code === 'Aborted') break;
    }
  }
  const at = context.now().toISOString();
  if (!error) {
    await updateRun(deps.runs, context.model, call.runId, (run) => acceptIntent(run, call, at));
    return { ...outcome, result: 'sent' };
  }
  const giveUp = givesUp(error);
  await updateRun(deps.runs, context.model, call.runId, (run) => refuseIntent(run, call, error, at));
  return {
    ...outcome,
    result: giveUp && call.action === 'start' ? 'failed' : 'deferred',
    errorCode: error.code,
    reason: `${base.reason} — ${call.action} ${giveUp ? 'refused' : 'deferred'}: ${error.code}: ${error.message}`,
    ...(giveUp ? { alert: true } : {}),
  };
};

/** Reads the run afresh and saves `change` of it, again if another writer came in between. */
const updateRun = async (
  runs: RunRepository,
  model: string,
  runId: string,
  change: (run: RunRecord) => RunRecord,
): Promise<void> => {
  for (let tries = 0; ; tries += 1) {
    const run = await runs.get(model, runId);
    if (!run) throw new Error(`run ${runId} of ${model} vanished`);
    try {
      await runs.save({ ...change(run), revision: run.revision + 1 });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || tries >= 4) throw error;
    }
  }
};

/** Maps with at most `limit` calls in flight, keeping the input order. */
export const mapBounded = async <T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
