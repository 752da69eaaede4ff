import type { ObservedState } from '../../hosting/model-host.ts';

/** What one service status means to the scheduler, and what to tell people about it. */
export interface StatusMeaning {
  readonly state: ObservedState;
  /** Why the scheduler cannot use a model in this status, where that is not plain from the state. */
  readonly message?: string;
}

/** A service's statuses and their meanings. */
export type StatusTable<Status extends string = string> = Readonly<Record<Status, StatusMeaning>>;

/**
 * The meaning of `status` in `table`, or undefined for a status the table does not name (one the
 * service added later, or none at all). Own keys only, so `toString` is no status.
 */
export const meaningOfStatus = <Status extends string>(
  table: StatusTable<Status>,
  status: string | undefined,
): StatusMeaning | undefined =>
  status !== undefined && Object.hasOwn(table, status) ? table[status as Status] : undefined;

/**
 * The observed state of `status`; a status the table does not know is `missing`, so the scheduler
 * never acts on a model in a status it cannot reason about.
 */
export const observedStateOfStatus = <Status extends string>(
  table: StatusTable<Status>,
  status: string | undefined,
): ObservedState => meaningOfStatus(table, status)?.state ?? 'missing';
