import { createHash } from 'node:crypto';
import type { HostingError, Observation, ObservedState } from '../hosting/model-host.ts';
import type { Lead } from '../schedule/lead.ts';
import type { WantedRun } from '../schedule/lifecycle.ts';
import { type Intent, isClosed, type RunOutcome, type RunRecord } from '../store/run-record.ts';

/**
 * The decision of one reconcile pass for one model: a pure function of what is desired (the
 * schedule and overrides), what is observed (the hosting service) and what is recorded (the runs).
 * It returns the records to write and at most one call to make; the caller writes first, then calls.
 */

export type { WantedRun };

export interface DecisionPolicy {
  /** Starts per run, counting the first: a run whose hosting fails this often is given up. */
  readonly maxStartAttempts: number;
  /** Stops per run before the scheduler raises an alert (it keeps trying: a running model costs). */
  readonly maxStopAttempts: number;
  /** How long an intent without an answer belongs to the pass that wrote it before another repairs it. */
  readonly intentLeaseMs: number;
}

export const defaultPolicy: DecisionPolicy = {
  maxStartAttempts: 3,
  maxStopAttempts: 5,
  intentLeaseMs: 90_000,
};

export interface DecisionInput {
  readonly at: Date;
  readonly model: string;
  readonly pricePerInferenceUnitHour: number;
  readonly desired: { readonly state: 'on' | 'off'; readonly reason: string; readonly run?: WantedRun };
  readonly observed: Observation | HostingError;
  /** Runs of the model that are not closed, oldest first. */
  readonly open: readonly RunRecord[];
  /** The records of the wanted run and its continuations (`runId`, `runId~2`, …), oldest first. */
  readonly wantedRecords: readonly RunRecord[];
  /** Set when starting the wanted run now would exceed the model's monthly budget. */
  readonly budgetExceeded?: string;
  /** Whether an override holds the model on (it wins over the budget). */
  readonly overrideOn?: boolean;
  readonly policy: DecisionPolicy;
}

export type Action = 'start' | 'stop' | 'wait' | 'none';

export interface Call {
  readonly action: 'start' | 'stop';
  readonly runId: string;
  readonly attempt: number;
  readonly clientToken: string;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  /** The same intent sent again after a pass that wrote it did not finish. */
  readonly repair: boolean;
}

export interface Decision {
  readonly model: string;
  readonly action: Action;
  readonly reason: string;
  /** Runs to create (revision 0) or replace (revision already bumped), before any call. */
  readonly writes: readonly RunRecord[];
  readonly call?: Call;
  /** Something people must look at: the scheduler gave up or the service refused for good. */
  readonly alert?: boolean;
}

/**
 * The client token for one start or stop attempt of a run: the same inputs give the same token, so
 * a retried or duplicated invocation sends what the first one sent and the service deduplicates it.
 */
export const clientTokenFor = (
  model: string,
  runId: string,
  action: 'start' | 'stop',
  attempt: number,
): string =>
  `mss-${action}-${createHash('sha256').update(`${model}\n${runId}\n${action}\n${attempt}`).digest('hex').slice(0, 40)}`;

const iso = (date: Date): string => date.toISOString();

const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

const isHostingError = (value: Observation | HostingError): value is HostingError => value instanceof Error;

/** Starts (or stops) the run with a new intent appended. */
const withIntent = (
  run: RunRecord,
  action: 'start' | 'stop',
  attempt: number,
  at: Date,
): [RunRecord, Intent] => {
  const intent: Intent = {
    attempt,
    clientToken: clientTokenFor(run.model, run.runId, action, attempt),
    intendedAt: iso(at),
  };
  const list = action === 'start' ? run.starts : run.stops;
  // Sending an intent again (a repair) keeps the one on record; a new attempt appends.
  const kept = list.filter((existing) => existing.attempt !== attempt);
  const next = { ...run, [action === 'start' ? 'starts' : 'stops']: [...kept, intent] } as RunRecord;
  return [{ ...next, outcome: action === 'start' ? 'starting' : 'stopping', updatedAt: iso(at) }, intent];
};

const callFor = (run: RunRecord, action: 'start' | 'stop', intent: Intent, repair: boolean): Call => ({
  action,
  runId: run.runId,
  attempt: intent.attempt,
  clientToken: intent.clientToken,
  ...(action === 'start'
    ? {
        minInferenceUnits: run.minInferenceUnits,
        ...(run.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: run.maxInferenceUnits }),
      }
    : {}),
  repair,
});

const touched = (run: RunRecord, at: Date, changes: Partial<RunRecord>): RunRecord => ({
  ...run,
  ...changes,
  updatedAt: iso(at),
});

const closed = (run: RunRecord, at: Date, outcome: RunOutcome, note?: string): RunRecord =>
  touched(run, at, {
    outcome,
    ...(note === undefined ? {} : { note }),
    ...(run.billedFrom !== undefined && run.billedUntil === undefined ? { billedUntil: iso(at) } : {}),
  });

/** The lead a run is planned with, as its record keeps it. */
const leadFieldsOf = (
  lead: Lead,
): Pick<RunRecord, 'leadMinutes' | 'leadSource' | 'leadSamples' | 'leadQuantile'> => ({
  leadMinutes: lead.minutes,
  leadSource: lead.source,
  ...(lead.source === 'fixed' ? {} : { leadSamples: lead.samples }),
  ...(lead.quantile === undefined ? {} : { leadQuantile: lead.quantile }),
});

const newRun = (input: DecisionInput, wanted: WantedRun, runId: string): RunRecord => ({
  model: input.model,
  runId,
  origin: wanted.origin,
  ...(wanted.schedule === undefined ? {} : { schedule: wanted.schedule }),
  shifts: [...new Set(wanted.windows.map((window) => window.shift))],
  windows: wanted.windows.map((window) => ({
    shift: window.shift,
    start: iso(window.start),
    end: iso(window.end),
  })),
  plannedStartAt: iso(wanted.startAt),
  plannedEndAt: iso(wanted.end),
  minInferenceUnits: wanted.minInferenceUnits,
  ...(wanted.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: wanted.maxInferenceUnits }),
  ...(wanted.lead === undefined ? {} : leadFieldsOf(wanted.lead)),
  pricePerInferenceUnitHour: input.pricePerInferenceUnitHour,
  outcome: 'scheduled',
  starts: [],
  stops: [],
  errors: [],
  createdAt: iso(input.at),
  updatedAt: iso(input.at),
  revision: 0,
});

/** A record of a model found running that no open run accounts for. */
const adoptedRun = (input: DecisionInput, state: ObservedState): RunRecord => ({
  model: input.model,
  runId: `${input.model}@${iso(input.at)}~adopted`,
  origin: 'adopted',
  shifts: [],
  windows: [],
  plannedStartAt: iso(input.at),
  plannedEndAt: iso(input.at),
  minInferenceUnits: (isHostingError(input.observed) ? undefined : input.observed.minInferenceUnits) ?? 1,
  pricePerInferenceUnitHour: input.pricePerInferenceUnitHour,
  outcome: state === 'hosted' ? 'hosted' : 'starting',
  starts: [],
  stops: [],
  billedFrom: iso(input.at),
  note: `found ${state} with no open run; taken over to stop it`,
  errors: [],
  createdAt: iso(input.at),
  updatedAt: iso(input.at),
  revision: 0,
});

const sameUnits = (run: RunRecord, wanted: WantedRun): boolean =>
  run.minInferenceUnits === wanted.minInferenceUnits && run.maxInferenceUnits === wanted.maxInferenceUnits;

/** Whether `run` records `wanted` or one of its continuations (`id~2`, `id~3`, …). */
export const isRecordOf = (run: RunRecord, wanted: WantedRun): boolean =>
  run.runId === wanted.runId ||
  (run.runId.startsWith(wanted.runId) && /^~\d+$/.test(run.runId.slice(wanted.runId.length)));

/** The next id for a run that is wanted again after it was closed (an override off, then on). */
const continuationId = (wanted: WantedRun, records: readonly RunRecord[]): string =>
  records.length === 0 ? wanted.runId : `${wanted.runId}~${records.length + 1}`;

/** Decides what to do for one model. Pure: no I/O, no clock. */
export const decide = (input: DecisionInput): Decision => {
  const { observed } = input;
  if (isHostingError(observed)) {
    return {
      model: input.model,
      action: 'wait',
      reason: `could not observe the model (${observed.code}): ${observed.message}`,
      writes: [],
      ...(observed.retryable ? {} : { alert: true }),
    };
  }
  return input.desired.state === 'on' && input.desired.run
    ? decideOn(input, observed, input.desired.run)
    : decideOff(input, observed);
};

const decideOn = (input: DecisionInput, observed: Observation, wanted: WantedRun): Decision => {
  const { at, model } = input;
  const because = input.desired.reason;
  const latest = last(input.wantedRecords);
  const others = input.open.filter((run) => run.runId !== latest?.runId);
  const result = (
    action: Action,
    reason: string,
    writes: RunRecord[] = [],
    extra: Partial<Decision> = {},
  ): Decision => ({
    model,
    action,
    reason,
    writes,
    ...extra,
  });

  // A run the budget blocked starts anyway (as a continuation) once an override turns the model on.
  const overridden = latest?.outcome === 'budget-blocked' && input.overrideOn === true;
  // A run failed because the model was gone continues (as `id~N`) once the service knows it again.
  const recreated = latest !== undefined && failedAsMissing(latest) && observed.state !== 'missing';
  if (
    latest &&
    !overridden &&
    !recreated &&
    (latest.outcome === 'failed' || latest.outcome === 'budget-blocked')
  ) {
    return result('none', `run ${latest.runId} is ${latest.outcome}${latest.note ? `: ${latest.note}` : ''}`);
  }

  // The model runs for a run that is not the wanted one: hand it over, or stop it to change units.
  const running = observed.state === 'hosted' || observed.state === 'starting';
  const current = latest && !isClosed(latest.outcome) ? latest : undefined;
  // A late event decides for an instant that a pass for a later one may already have overtaken: once
  // that pass stopped the run, starting it again (or marking it hosted) would undo the stop.
  const laterStop = current ? last(current.stops) : undefined;
  if (current && laterStop && Date.parse(laterStop.intendedAt) > at.getTime()) {
    return result(
      'wait',
      `${because}; run ${current.runId} was stopped by a pass for ${laterStop.intendedAt}`,
    );
  }
  if (running && !current) {
    const previous = last(others);
    if (previous && !sameUnits(previous, wanted)) {
      return stopRun(
        input,
        observed,
        previous,
        `${because}; units change from ${unitsText(previous)} to ${unitsText(wanted)}: stop, then start`,
      );
    }
    const id = continuationId(wanted, input.wantedRecords);
    const takeover: RunRecord = {
      ...newRun(input, wanted, id),
      outcome: observed.state === 'hosted' ? 'hosted' : 'starting',
      billedFrom: iso(at),
      ...(observed.state === 'hosted' ? { hostedAt: iso(at) } : {}),
      note: previous ? `continues ${previous.runId}` : `found ${observed.state}; taken over`,
    };
    const handedOver = previous
      ? [closed(previous, at, 'completed', `handed over to ${id} without a restart`)]
      : [];
    return result('none', `${because}; already ${observed.state}, run ${id} takes over`, [
      ...handedOver,
      takeover,
    ]);
  }

  // A run that was wanted, stopped (e.g. an override off) and is wanted again continues under a new id.
  const run = current ?? newRun(input, wanted, continuationId(wanted, input.wantedRecords));
  const isNew = current === undefined;
  const writesWith = (updated: RunRecord): RunRecord[] => [
    ...closeLeftovers(input, others, observed),
    updated,
  ];

  switch (observed.state) {
    case 'hosted': {
      if (run.outcome === 'hosted' && run.hostedAt && run.billedFrom)
        return result('none', `${because}; hosted`);
      const confirmed = confirmStart(run, at);
      return result(
        'none',
        `${because}; hosted`,
        writesWith(touched(confirmed, at, { outcome: 'hosted', hostedAt: run.hostedAt ?? iso(at) })),
      );
    }
    case 'starting': {
      const attempt = `starting (attempt ${last(run.starts)?.attempt ?? 1})`;
      // Kept so the run's start duration can be read between this sighting and the one that sees it HOSTED.
      const seen =
        run.startingSeenAt !== undefined && Date.parse(run.startingSeenAt) >= at.getTime()
          ? {}
          : { startingSeenAt: iso(at) };
      if (run.billedFrom) {
        return result(
          'wait',
          `${because}; ${attempt}`,
          'startingSeenAt' in seen ? writesWith(touched(run, at, seen)) : [],
        );
      }
      return result('wait', `${because}; ${attempt}`, writesWith(touched(confirmStart(run, at), at, seen)));
    }
    case 'stopping':
      return result('wait', `${because}; still stopping, starts once stopped`);
    case 'updating':
      return result('wait', `${because}; ${updatingText(observed)}`);
    case 'missing': {
      // The adapter says why: not found, or a status that can never be started (expired, …).
      const note = observed.message ?? 'the hosting service does not know this model';
      const failedRun = {
        ...closed(run, at, 'failed', note),
        errors: [
          ...run.errors,
          { at: iso(at), action: 'observe' as const, code: 'ResourceNotFound', message: note },
        ],
      };
      return result('none', `${because}; ${note}: run ${run.runId} failed`, writesWith(failedRun), {
        alert: true,
      });
    }
    case 'failed':
    case 'stopped': {
      const intent = last(run.starts);
      if (isNew || !intent) {
        if (input.budgetExceeded !== undefined) {
          const blocked = closed(run, at, 'budget-blocked', input.budgetExceeded);
          return result('none', `${because}; not started: ${input.budgetExceeded}`, writesWith(blocked), {
            alert: true,
          });
        }
        return startAttempt(input, run, 1, `${because}; ${observed.state}: start`, writesWith, false);
      }
      if (intent.acceptedAt === undefined && intent.errorCode === undefined) {
        if (at.getTime() - Date.parse(intent.intendedAt) < input.policy.intentLeaseMs) {
          return result('wait', `${because}; another pass is starting it (attempt ${intent.attempt})`);
        }
        return startAttempt(
          input,
          run,
          intent.attempt,
          `${because}; a start was written but not confirmed: send it again`,
          writesWith,
          true,
        );
      }
      if (intent.acceptedAt === undefined) {
        // The service refused the last call with an error that may pass: the same token is still unused.
        return startAttempt(
          input,
          run,
          intent.attempt,
          `${because}; retry after ${intent.errorCode}`,
          writesWith,
          true,
        );
      }
      if (isFreshAnswer(intent, at, input.policy)) {
        return result('wait', `${because}; ${observedBefore('start', intent)}`);
      }
      if (intent.attempt >= input.policy.maxStartAttempts) {
        const note = `${observed.state === 'failed' ? 'hosting failed' : 'stopped unexpectedly'} after ${intent.attempt} starts${observed.message ? `: ${observed.message}` : ''}`;
        return result('none', `${because}; gave up: ${note}`, writesWith(closed(run, at, 'failed', note)), {
          alert: true,
        });
      }
      const what =
        observed.state === 'failed'
          ? `hosting failed${observed.message ? ` (${observed.message})` : ''}`
          : 'stopped while wanted';
      return startAttempt(
        input,
        run,
        intent.attempt + 1,
        `${because}; ${what}: start attempt ${intent.attempt + 1} of ${input.policy.maxStartAttempts}`,
        writesWith,
        false,
      );
    }
  }
};

/**
 * Whether `run` failed because the model was observed missing (deleted, or not startable). A start
 * the service refused as not found stays failed: the model was there when observed, so trying again
 * every pass would only repeat the refusal and its alert.
 */
const failedAsMissing = (run: RunRecord): boolean => {
  const error = last(run.errors);
  return run.outcome === 'failed' && error?.action === 'observe' && error.code === 'ResourceNotFound';
};

/**
 * Whether the service accepted `intent` less than the intent lease before `at`. A pass observes the
 * model and reads the runs at the same time, so when another pass's call was accepted in between, the
 * record is newer than the observation: a start or stop takes minutes, and a model seen stopped (or
 * still hosted) right after its call was accepted was seen before it. The next pass looks again.
 */
const isFreshAnswer = (intent: Intent, at: Date, policy: DecisionPolicy): boolean => {
  if (intent.acceptedAt === undefined) return false;
  const age = at.getTime() - Date.parse(intent.acceptedAt);
  return age >= 0 && age < policy.intentLeaseMs;
};

const observedBefore = (action: 'start' | 'stop', intent: Intent): string =>
  `${action} ${intent.attempt} was accepted at ${intent.acceptedAt}, after this observation: look again next pass`;

/**
 * A start the service evidently accepted (the model is starting or hosted) although its answer was
 * never recorded, e.g. the pass died right after the call: record it as accepted, and bill the run
 * from the intent, conservatively.
 */
const confirmStart = (run: RunRecord, at: Date): RunRecord => {
  const intent = last(run.starts);
  if (!intent) return run.billedFrom ? run : { ...run, billedFrom: iso(at) };
  const starts = intent.acceptedAt
    ? run.starts
    : run.starts.map((start) => (start === intent ? { ...start, acceptedAt: iso(at) } : start));
  return { ...run, starts, billedFrom: run.billedFrom ?? intent.intendedAt };
};

/** Closes open runs that are neither wanted nor running any more. */
const closeLeftovers = (
  input: DecisionInput,
  others: readonly RunRecord[],
  observed: Observation,
): RunRecord[] =>
  observed.state === 'stopped' || observed.state === 'failed' || observed.state === 'missing'
    ? others.map((run) => closeOff(run, input.at, observed))
    : [];

const closeOff = (run: RunRecord, at: Date, observed: Observation): RunRecord => {
  if (run.billedFrom === undefined && run.starts.every((start) => start.acceptedAt === undefined)) {
    return closed(run, at, 'cancelled', 'no longer wanted before it started');
  }
  if (observed.state === 'failed')
    return { ...closed(run, at, 'failed', 'hosting failed'), stoppedAt: iso(at) };
  return { ...closed(run, at, 'completed'), stoppedAt: iso(at) };
};

const startAttempt = (
  input: DecisionInput,
  run: RunRecord,
  attempt: number,
  reason: string,
  writesWith: (run: RunRecord) => RunRecord[],
  repair: boolean,
): Decision => {
  const [updated, intent] = withIntent(run, 'start', attempt, input.at);
  return {
    model: input.model,
    action: 'start',
    reason,
    writes: writesWith(updated),
    call: callFor(updated, 'start', intent, repair),
  };
};

const stopRun = (input: DecisionInput, observed: Observation, run: RunRecord, because: string): Decision => {
  const { at, model } = input;
  const intent = last(run.stops);
  if (observed.state === 'stopping') {
    return {
      model,
      action: 'wait',
      reason: `${because}; stopping`,
      writes: run.outcome === 'stopping' ? [] : [touched(run, at, { outcome: 'stopping' })],
    };
  }
  if (intent && intent.acceptedAt === undefined && intent.errorCode === undefined) {
    if (at.getTime() - Date.parse(intent.intendedAt) < input.policy.intentLeaseMs) {
      return {
        model,
        action: 'wait',
        reason: `${because}; another pass is stopping it (attempt ${intent.attempt})`,
        writes: [],
      };
    }
    const [updated, again] = withIntent(run, 'stop', intent.attempt, at);
    return {
      model,
      action: 'stop',
      reason: `${because}; a stop was written but not confirmed: send it again`,
      writes: [updated],
      call: callFor(updated, 'stop', again, true),
    };
  }
  if (intent && intent.acceptedAt === undefined) {
    const [updated, again] = withIntent(run, 'stop', intent.attempt, at);
    return {
      model,
      action: 'stop',
      reason: `${because}; retry after ${intent.errorCode}`,
      writes: [updated],
      call: callFor(updated, 'stop', again, true),
    };
  }
  if (intent && isFreshAnswer(intent, at, input.policy)) {
    return { model, action: 'wait', reason: `${because}; ${observedBefore('stop', intent)}`, writes: [] };
  }
  const attempt = (intent?.attempt ?? 0) + 1;
  const [updated, next] = withIntent(run, 'stop', attempt, at);
  return {
    model,
    action: 'stop',
    reason: intent
      ? `${because}; still ${observed.state} after stop ${intent.attempt}: stop again`
      : `${because}; ${observed.state}: stop`,
    writes: [updated],
    call: callFor(updated, 'stop', next, false),
    ...(attempt > input.policy.maxStopAttempts ? { alert: true } : {}),
  };
};

const decideOff = (input: DecisionInput, observed: Observation): Decision => {
  const { at, model } = input;
  const because = input.desired.reason;
  const open = input.open;
  switch (observed.state) {
    case 'hosted':
    case 'starting':
    case 'stopping': {
      const owner = last(open);
      if (!owner) {
        if (observed.state === 'stopping')
          return { model, action: 'wait', reason: `${because}; stopping`, writes: [] };
        return stopRun(
          input,
          observed,
          adoptedRun(input, observed.state),
          `${because}; found ${observed.state} with no open run`,
        );
      }
      const earlier = open.slice(0, -1).map((run) => closeOff(run, at, { ...observed, state: 'stopped' }));
      const decision = stopRun(input, observed, owner, because);
      return { ...decision, writes: [...earlier, ...decision.writes] };
    }
    case 'updating':
      return {
        model,
        action: 'wait',
        reason: `${because}; ${updatingText(observed)}, stop once it is done if it runs`,
        writes: [],
      };
    case 'failed':
    case 'stopped':
    case 'missing': {
      const writes = open.map((run) => closeOff(run, at, observed));
      const summary =
        writes.length === 0
          ? ''
          : `; closed ${writes.map((run) => `${run.runId} (${run.outcome})`).join(', ')}`;
      return { model, action: 'none', reason: `${because}; ${observed.state}${summary}`, writes };
    }
  }
};

const updatingText = (observed: Observation): string =>
  observed.message ?? 'the service is updating the model';

const unitsText = (units: { minInferenceUnits: number; maxInferenceUnits?: number | undefined }): string =>
  units.maxInferenceUnits === undefined
    ? `${units.minInferenceUnits}`
    : `${units.minInferenceUnits}–${units.maxInferenceUnits}`;

/**
 * Whether the service's refusal of a call is final: an error that may pass (throttling, a conflict
 * with a change in progress) leaves the intent to be sent again by a later pass.
 */
export const givesUp = (error: HostingError): boolean => !error.retryable && error.code !== 'Conflict';

/** The run once the service accepted `call`: the intent is answered, and a start bills from its intent. */
export const acceptIntent = (run: RunRecord, call: Call, at: string): RunRecord => {
  const list = (call.action === 'start' ? run.starts : run.stops).map((intent) =>
    intent.attempt === call.attempt ? { ...intent, acceptedAt: at } : intent,
  );
  const intendedAt = list.find((intent) => intent.attempt === call.attempt)?.intendedAt ?? at;
  return call.action === 'start'
    ? { ...run, starts: list, billedFrom: run.billedFrom ?? intendedAt, updatedAt: at }
    : { ...run, stops: list, updatedAt: at };
};

/**
 * The run once the service refused `call`: the error is kept on the intent and the run. A start
 * refused for good (not found, access, validation, quota) fails the run, so it is not retried every
 * pass; a refused stop is always tried again, since a running model costs.
 */
export const refuseIntent = (run: RunRecord, call: Call, error: HostingError, at: string): RunRecord => {
  const list = (call.action === 'start' ? run.starts : run.stops).map((intent) =>
    intent.attempt === call.attempt ? { ...intent, errorCode: error.code } : intent,
  );
  const recorded: RunRecord = {
    ...run,
    [call.action === 'start' ? 'starts' : 'stops']: list,
    errors: [...run.errors, { at, action: call.action, code: error.code, message: error.message }],
    updatedAt: at,
  };
  if (!givesUp(error) || call.action === 'stop') return recorded;
  return {
    ...recorded,
    outcome: 'failed',
    note: `start refused: ${error.code}: ${error.message}`,
    ...(run.billedFrom !== undefined && run.billedUntil === undefined ? { billedUntil: at } : {}),
  };
};
