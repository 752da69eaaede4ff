import { SchedulerError } from '../errors.ts';
import type { RunRecord, TokenRecord } from './run-record.ts';

/** A write lost against another writer: somebody changed the run since it was read. */
export class ConcurrentUpdateError extends SchedulerError {
  override readonly name = 'ConcurrentUpdateError';
  readonly code = 'ConcurrentUpdate';
  constructor(
    readonly model: string,
    readonly runId: string,
    options?: { cause?: unknown },
  ) {
    super(`run ${runId} of ${model} was changed by another writer`, options);
  }
}

export interface RunQuery {
  /** Runs whose planned end is at or after this instant. */
  readonly since?: Date;
  /** Runs whose planned start is before this instant. */
  readonly until?: Date;
}

/**
 * The runs of every model and the client tokens sent for them.
 *
 * Every write is conditional: `create` only if the run is new, `save` only if the stored revision is
 * the one the caller read. That is what makes two scheduler passes at once produce one start.
 */
export interface RunRepository {
  get(model: string, runId: string): Promise<RunRecord | undefined>;
  /**
   * Stores a new run (revision 0) with `tokens` in one atomic write; throws `ConcurrentUpdateError`
   * if the run exists already.
   */
  create(run: RunRecord, tokens?: readonly TokenRecord[]): Promise<void>;
  /**
   * Replaces a run whose stored revision is `run.revision - 1`, together with `tokens` (token
   * records), in one atomic write. Throws `ConcurrentUpdateError` when the revision moved on.
   */
  save(run: RunRecord, tokens?: readonly TokenRecord[]): Promise<void>;
  /** The runs of a model overlapping the query, oldest first. */
  list(model: string, query?: RunQuery): Promise<RunRecord[]>;
  /** The runs of a model that are not closed, oldest first. */
  open(model: string): Promise<RunRecord[]>;
  getToken(clientToken: string): Promise<TokenRecord | undefined>;
}

/** Overlap of a run's planned span with a query, shared by every implementation. */
export const matchesRunQuery = (run: RunRecord, query: RunQuery): boolean =>
  (query.since === undefined || Date.parse(run.plannedEndAt) >= query.since.getTime()) &&
  (query.until === undefined || Date.parse(run.plannedStartAt) < query.until.getTime());

/** Orders runs the way the runs table's sort key does. */
export const byRunId = (a: RunRecord, b: RunRecord): number =>
  a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
