import type {
  Accepted,
  HostingError,
  ModelRef,
  Observation,
  ObservedState,
} from '../../hosting/model-host.ts';

/** A model the service does not know: a result, not an error. */
export const missing = (ref: ModelRef, message: string): Observation => ({ ref, state: 'missing', message });

/** What the service answered to an accepted start or stop, with the state its status means. */
export const accepted = (rawStatus: string, stateOf: (status: string) => ObservedState): Accepted => ({
  rawStatus,
  state: stateOf(rawStatus),
});

/** The units an observing call reported, leaving out the ones it did not. */
export const reportedUnits = (min: number | undefined, max: number | undefined) => ({
  ...(min === undefined ? {} : { minInferenceUnits: min }),
  ...(max === undefined ? {} : { maxInferenceUnits: max }),
});

/** How a host observes many models in as few calls as its service allows. */
export interface BatchedObservation<Ref extends ModelRef> {
  /** `ref` as one of this host's refs, or undefined when it belongs to another provider. */
  own(ref: ModelRef): Ref | undefined;
  /** The map key of a ref. */
  keyOf(ref: ModelRef): string;
  /** The answer for a ref of another provider. */
  foreign(ref: ModelRef): HostingError;
  /** The host's refs as the calls to make, one batch per call (per project, per page of names). */
  batches(refs: readonly Ref[]): readonly (readonly Ref[])[];
  /**
   * Makes one call; its answer says what it found for each ref of the batch, and throws for a ref
   * whose own further call failed.
   */
  observeBatch(batch: readonly Ref[]): Promise<(ref: Ref) => Observation>;
  /** What a failed call means for each ref it asked about. */
  failed(error: unknown, batch: readonly Ref[], ref: Ref): Observation | HostingError;
}

/**
 * `ModelHost.observeMany` from the host's own batching: one call per batch, one after another to
 * stay far under the services' request quotas, and a failed call answered for the refs it asked
 * about (a ref's own failure for that ref alone) instead of thrown.
 */
export const observeInBatches = async <Ref extends ModelRef>(
  refs: readonly ModelRef[],
  how: BatchedObservation<Ref>,
): Promise<Map<string, Observation | HostingError>> => {
  const results = new Map<string, Observation | HostingError>();
  const own: Ref[] = [];
  for (const ref of refs) {
    const mine = how.own(ref);
    if (mine) own.push(mine);
    else results.set(how.keyOf(ref), how.foreign(ref));
  }
  for (const batch of how.batches(own)) {
    let answer: (ref: Ref) => Observation;
    try {
      answer = await how.observeBatch(batch);
    } catch (error) {
      for (const ref of batch) results.set(how.keyOf(ref), how.failed(error, batch, ref));
      continue;
    }
    for (const ref of batch) {
      try {
        results.set(how.keyOf(ref), answer(ref));
      } catch (error) {
        results.set(how.keyOf(ref), how.failed(error, batch, ref));
      }
    }
  }
  return results;
};

/** `items` grouped by `keyOf`, groups and items in first-seen order. */
export const groupedBy = <T>(items: readonly T[], keyOf: (item: T) => string): T[][] => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
};
