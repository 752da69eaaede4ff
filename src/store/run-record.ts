import * as z from 'zod';

/**
 * Where a run stands. `scheduled` … `stopping` are open; the rest are closed and never change again.
 * - `scheduled`: recorded, nothing sent yet
 * - `starting`: a start was accepted (or its intent written) and the model is not HOSTED yet
 * - `hosted`: observed HOSTED
 * - `stopping`: a stop was asked for
 * - `completed`: observed stopped after the run
 * - `failed`: the service refused or the model failed more often than allowed; an alert was raised
 * - `budget-blocked`: not started (or stopped early) because the month's budget would be exceeded
 * - `cancelled`: the run was no longer wanted before anything was started
 */
export const runOutcomes = [
  'scheduled',
  'starting',
  'hosted',
  'stopping',
  'completed',
  'failed',
  'budget-blocked',
  'cancelled',
] as const;
export type RunOutcome = (typeof runOutcomes)[number];

const closedOutcomes: ReadonlySet<RunOutcome> = new Set([
  'completed',
  'failed',
  'budget-blocked',
  'cancelled',
]);

/** Whether a run has ended for good. */
export const isClosed = (outcome: RunOutcome): boolean => closedOutcomes.has(outcome);

const instant = z.iso.datetime({ offset: true });

export const runErrorSchema = z.object({
  at: instant,
  action: z.enum(['start', 'stop', 'observe']),
  code: z.string(),
  message: z.string(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/** A start or stop the scheduler meant to send: written before the call, completed after it. */
export const intentSchema = z.object({
  attempt: z.number().int().positive(),
  clientToken: z.string(),
  /** When the intent was written, before the call. */
  intendedAt: instant,
  /** When the service accepted the call; absent while in flight or after a crash. */
  acceptedAt: instant.optional(),
  /** The error code the call ended with, when it was refused. */
  errorCode: z.string().optional(),
});
export type Intent = z.infer<typeof intentSchema>;

/** One run of a model: from the start it asked for until the model is observed stopped. */
export const runRecordSchema = z.object({
  model: z.string(),
  runId: z.string(),
  /** `schedule` for runs of the shift plan, `override` for runs an override asked for, `adopted` for a model found running. */
  origin: z.enum(['schedule', 'override', 'adopted']),
  schedule: z.string().optional(),
  shifts: z.array(z.string()),
  windows: z.array(z.object({ shift: z.string(), start: instant, end: instant })),
  /** When the plan starts the model (first window minus lead) and when it stops it. */
  plannedStartAt: instant,
  plannedEndAt: instant,
  minInferenceUnits: z.number().int().positive(),
  maxInferenceUnits: z.number().int().positive().optional(),
  /**
   * The lead the run was planned with, and where it came from (`fixed`, the provider's `prior`, or
   * `learned` from `leadSamples` recorded starts, at `leadQuantile` of their estimated durations).
   * Absent on runs recorded before leads were kept.
   */
  leadMinutes: z.number().int().nonnegative().optional(),
  leadSource: z.enum(['fixed', 'prior', 'learned']).optional(),
  leadSamples: z.number().int().nonnegative().optional(),
  leadQuantile: z.number().min(0).max(1).optional(),
  pricePerInferenceUnitHour: z.number().nonnegative(),
  outcome: z.enum(runOutcomes),
  /** Every start and stop intent, in order; the last one of each kind is the current one. */
  starts: z.array(intentSchema),
  stops: z.array(intentSchema),
  /** First observed HOSTED. */
  hostedAt: instant.optional(),
  /**
   * The last instant a pass observed the model still starting: with `hostedAt` it brackets when the
   * model became HOSTED, which no service reports, so a learned lead reads the middle of the two.
   */
  startingSeenAt: instant.optional(),
  /** Observed stopped after a stop, or failed for good. */
  stoppedAt: instant.optional(),
  /**
   * The span the run is paid for, counted conservatively: from just before the first start the
   * service accepted (or from when a running model was taken over) until it was observed stopped
   * (or handed over to the next run). Absent while unknown.
   */
  billedFrom: instant.optional(),
  billedUntil: instant.optional(),
  /** A closing remark for people (why it failed, was blocked, or was handed over). */
  note: z.string().optional(),
  errors: z.array(runErrorSchema),
  createdAt: instant,
  updatedAt: instant,
  /** Bumped by every write; a write names the revision it read, so two writers never both win. */
  revision: z.number().int().nonnegative(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** An idempotency token the scheduler sent, kept as long as the service honours it (8 hours). */
export const tokenRecordSchema = z.object({
  clientToken: z.string(),
  model: z.string(),
  runId: z.string(),
  action: z.enum(['start', 'stop']),
  attempt: z.number().int().positive(),
  createdAt: instant,
  /** Epoch seconds; DynamoDB's TTL deletes the record after it. */
  expiresAt: z.number().int(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

/** How long the services honour a client token, and so how long its record is kept. */
export const tokenLifetimeMs = 8 * 60 * 60 * 1000;

const hourMs = 60 * 60 * 1000;

/**
 * Inference-unit hours a run is paid for up to `at` (or its end): minimum units × billed hours.
 * Auto-scaling above the minimum is not visible to the scheduler, so this is a floor for runs with
 * `maxInferenceUnits`.
 */
export const runUnitHours = (run: RunRecord, at?: Date, clip?: { from: Date; to: Date }): number => {
  if (run.billedFrom === undefined) return 0;
  let from = Date.parse(run.billedFrom);
  let until = run.billedUntil !== undefined ? Date.parse(run.billedUntil) : (at?.getTime() ?? from);
  if (clip) {
    from = Math.max(from, clip.from.getTime());
    until = Math.min(until, clip.to.getTime());
  }
  return until > from ? ((until - from) / hourMs) * run.minInferenceUnits : 0;
};

/** What a run cost up to `at` (or its end), at the price it was started with. */
export const runCost = (run: RunRecord, at?: Date, clip?: { from: Date; to: Date }): number =>
  runUnitHours(run, at, clip) * run.pricePerInferenceUnitHour;

/** Every client token sent for a run, starts and stops, in order. */
export const clientTokensOf = (run: RunRecord): string[] => [
  ...run.starts.map((intent) => intent.clientToken),
  ...run.stops.map((intent) => intent.clientToken),
];
