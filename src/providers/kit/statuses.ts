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

/** A service's statuses as a host reads them off its answers. */
export interface StatusReader {
  /** The observed state of a status; one the table does not know is `missing`. */
  stateOf(status: string | undefined): ObservedState;
  /** What to tell people about a model in a status, where its state does not say it all. */
  messageOf(status: string | undefined): string | undefined;
}

/**
 * Reads statuses with `table`.
 *
 * @param unknown - what to tell people about a status the table does not name; none, and nothing is said
 */
export const statusReader = <Status extends string>(
  table: StatusTable<Status>,
  unknown?: (status: string) => string,
): StatusReader => ({
  stateOf: (status) => observedStateOfStatus(table, status),
  messageOf: (status) => {
    if (status === undefined) return undefined;
    const meaning = meaningOfStatus(table, status);
    return meaning ? meaning.message : unknown?.(status);
  },
});
