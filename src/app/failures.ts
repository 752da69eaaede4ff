import * as z from 'zod';
import { isStaleEvent, type PassReport, type ReconcileDeps, reconcile } from './reconcile.ts';
import { shiftEdgeEventSchema } from './shift-edge.ts';
import { startTimerMessageSchema } from './start-timers.ts';

/**
 * The failure queue holds three shapes of message: the record Lambda's on-failure destination writes
 * for a reconcile or shift-edge invocation that failed for good (the event is its `requestPayload`),
 * the event itself from EventBridge Scheduler's dead-letter queue (a shift edge whose invocation it
 * could not deliver; why is in message attributes), and a start timer the start-timers queue redrove
 * after its receives. Each is read into the pass it stood for, which `replay` runs again: the pass
 * is idempotent, so a replay never starts a model twice.
 */

/** The variable that names the failure queue's URL for `shiftctl failures` (or `--queue-url`). */
export const failureQueueVariable = 'FAILED_INVOCATIONS_QUEUE_URL';

/** A message as the queue gives it. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes?: Readonly<Record<string, string>>;
  /** When the queue received it. */
  readonly sentAt?: Date;
}

/** What a failed invocation stood for: the pass, and what is known of why it failed. */
export interface FailedInvocation {
  readonly messageId: string;
  /** `lambda` (on-failure destination), `scheduler` (EventBridge Scheduler's dead letter), `start-timer`, or `unknown`. */
  readonly source: 'lambda' | 'scheduler' | 'start-timer' | 'unknown';
  /** The pass: a reconcile tick, a shift edge or a start timer; undefined for a body this cannot read. */
  readonly pass?: FailedPass;
  /** The function's name or the schedule's ARN, where the message says. */
  readonly origin?: string;
  readonly error?: string;
  /** How often it was tried, where the message says. */
  readonly attempts?: number;
  readonly sentAt?: Date;
  /** Why the body could not be read (for `unknown`). */
  readonly unreadable?: string;
}

export type FailedPass =
  | { readonly kind: 'tick'; readonly at: Date }
  | { readonly kind: 'shift-edge'; readonly at: Date; readonly schedule: string; readonly trigger: string }
  | { readonly kind: 'start-timer'; readonly at: Date; readonly models: readonly string[] };

const lambdaRecordSchema = z.object({
  requestContext: z.object({
    functionArn: z.string().optional(),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.unknown(),
  responsePayload: z.unknown().optional(),
});

const tickEventSchema = z.object({ time: z.iso.datetime(), 'detail-type': z.string().optional() });

/** The pass an event stood for: a tick's, a shift edge's, or a start timer's. */
const passOf = (event: unknown): FailedPass | undefined => {
  const edge = shiftEdgeEventSchema.safeParse(event);
  if (edge.success) {
    return {
      kind: 'shift-edge',
      at: new Date(edge.data.scheduledTime),
      schedule: edge.data.schedule,
      trigger: `${edge.data.edge} ${edge.data.schedule}`,
    };
  }
  const timer = startTimerMessageSchema.safeParse(event);
  if (timer.success) {
    return {
      kind: 'start-timer',
      at: new Date(timer.data.at),
      models: timer.data.models.map((start) => start.model),
    };
  }
  const tick = tickEventSchema.safeParse(event);
  return tick.success ? { kind: 'tick', at: new Date(tick.data.time) } : undefined;
};

const errorText = (payload: unknown): string | undefined => {
  if (payload === null || typeof payload !== 'object')
    return payload === undefined ? undefined : String(payload);
  const { errorType, errorMessage } = payload as { errorType?: unknown; errorMessage?: unknown };
  return [errorType, errorMessage].filter((part) => typeof part === 'string').join(': ') || undefined;
};

/** Reads one message of the failure queue. Pure. */
export const failedInvocationOf = (message: QueuedMessage): FailedInvocation => {
  const base = { messageId: message.messageId, ...(message.sentAt ? { sentAt: message.sentAt } : {}) };
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch (error) {
    return { ...base, source: 'unknown', unreadable: `not JSON: ${(error as Error).message}` };
  }
  const record = lambdaRecordSchema.safeParse(body);
  if (record.success) {
    const pass = passOf(record.data.requestPayload);
    const error = errorText(record.data.responsePayload) ?? record.data.requestContext.condition;
    return {
      ...base,
      source: 'lambda',
      ...(pass ? { pass } : { unreadable: 'the failed request is no event of this scheduler' }),
      ...(record.data.requestContext.functionArn ? { origin: record.data.requestContext.functionArn } : {}),
      ...(error ? { error } : {}),
      ...(record.data.requestContext.approximateInvokeCount === undefined
        ? {}
        : { attempts: record.data.requestContext.approximateInvokeCount }),
    };
  }
  const pass = passOf(body);
  const attributes = message.attributes ?? {};
  if (pass?.kind === 'start-timer') return { ...base, source: 'start-timer', pass };
  if (pass) {
    const error = [attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');
    const attempts = Number(attributes.RETRY_ATTEMPTS);
    return {
      ...base,
      source: 'scheduler',
      pass,
      ...(attributes.SCHEDULE_ARN ? { origin: attributes.SCHEDULE_ARN } : {}),
      ...(error ? { error } : {}),
      ...(Number.isFinite(attempts) && attributes.RETRY_ATTEMPTS !== undefined ? { attempts } : {}),
    };
  }
  return { ...base, source: 'unknown', unreadable: 'no event of this scheduler' };
};

/** The instant a replay decides for: the pass's own, or `now` when that is too old to act at. */
export const replayInstant = (pass: FailedPass, now: Date): Date =>
  isStaleEvent(pass.at, now) ? now : pass.at;

/**
 * Runs the pass a failed invocation stood for again: at its own instant while that is recent enough
 * to act at (the tolerance every event has), else at `now`, for the same models.
 */
export const replayPass = (deps: ReconcileDeps, pass: FailedPass, now: Date): Promise<PassReport> => {
  const at = replayInstant(pass, now);
  const trigger = `replay of ${pass.kind === 'shift-edge' ? pass.trigger : pass.kind} for ${pass.at.toISOString()}`;
  switch (pass.kind) {
    case 'tick':
      return reconcile(deps, { at, trigger });
    case 'shift-edge':
      return reconcile(deps, { at, trigger, schedule: pass.schedule });
    case 'start-timer':
      return reconcile(deps, { at, trigger, models: pass.models });
  }
};

/** The failure queue, as `failures` reads and empties it. */
export interface FailureQueue {
  /** Every message now visible, each hidden for a while so one read sees each once; none removed. */
  receiveAll(): Promise<QueuedMessage[]>;
  /** Makes a message read by `receiveAll` visible again at once. */
  release(message: QueuedMessage): Promise<void>;
  delete(message: QueuedMessage): Promise<void>;
}

/** The failed invocations in the queue, oldest first, read while hidden from other readers. */
const readFailures = async (
  queue: FailureQueue,
): Promise<{ message: QueuedMessage; failure: FailedInvocation }[]> =>
  (await queue.receiveAll())
    .map((message) => ({ message, failure: failedInvocationOf(message) }))
    .sort((a, b) => (a.failure.sentAt?.getTime() ?? 0) - (b.failure.sentAt?.getTime() ?? 0));

/** The failed invocations in the queue, oldest first; every message stays, visible again. */
export const listFailures = async (
  queue: FailureQueue,
): Promise<{ message: QueuedMessage; failure: FailedInvocation }[]> => {
  const read = await readFailures(queue);
  for (const { message } of read) await queue.release(message);
  return read;
};

export interface ReplayResult {
  readonly failure: FailedInvocation;
  /** `replayed` (its pass ran; the message is deleted), `failed` (it stays), `skipped` (unreadable; it stays). */
  readonly result: 'replayed' | 'failed' | 'skipped';
  readonly at?: Date;
  readonly report?: PassReport;
  readonly error?: string;
}

/**
 * Replays the failed invocations in the queue (only `ids` when given), one after another, and
 * deletes each message whose pass ran. A pass that fails again leaves its message for the next try.
 */
export const replayFailures = async (
  deps: ReconcileDeps,
  queue: FailureQueue,
  now: Date,
  ids?: readonly string[],
): Promise<ReplayResult[]> => {
  const results: ReplayResult[] = [];
  for (const { message, failure } of await readFailures(queue)) {
    if (ids && !ids.includes(failure.messageId)) {
      await queue.release(message);
      continue;
    }
    if (!failure.pass) {
      await queue.release(message);
      results.push({ failure, result: 'skipped', error: failure.unreadable ?? 'unreadable' });
      continue;
    }
    const at = replayInstant(failure.pass, now);
    try {
      const report = await replayPass(deps, failure.pass, now);
      await queue.delete(message);
      results.push({ failure, result: 'replayed', at, report });
    } catch (error) {
      results.push({
        failure,
        result: 'failed',
        at,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
};
