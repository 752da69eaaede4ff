import { type StatusTable, statusReader } from '../kit/statuses.ts';

/**
 * The status of an inference component as the scheduler reads it. The service's own
 * `InferenceComponentStatus` (InService, Creating, Updating, Failed, Deleting) does not say whether
 * the model runs: an InService component may hold zero copies. So the adapter reads it together with
 * `RuntimeConfig.DesiredCopyCount` and `CurrentCopyCount` into one of these words.
 */
export type SageMakerComponentStatus =
  | 'ScaledToZero'
  | 'ScalingUp'
  | 'InService'
  | 'ScalingDown'
  | 'Updating'
  | 'Creating'
  | 'Failed'
  | 'Deleting';

/**
 * What the scheduler may do with a component in each status, and what it tells people about the
 * ones it cannot start.
 *
 * - Zero copies, desired and current: stopped. Copies wanted above those current: starting; all
 *   wanted copies current: hosted; zero wanted while copies remain: stopping.
 * - Creating, or Updating with nothing to scale: the scheduler waits (`updating`).
 * - Failed: a scale-up that did not complete; it may be started again.
 * - Deleting: as good as missing.
 */
export const sageMakerStatuses: StatusTable<SageMakerComponentStatus> = {
  ScaledToZero: { state: 'stopped' },
  ScalingUp: { state: 'starting' },
  InService: { state: 'hosted' },
  ScalingDown: { state: 'stopping' },
  Updating: {
    state: 'updating',
    message: 'the inference component is being updated; it can be scaled once it is InService',
  },
  Creating: {
    state: 'updating',
    message: 'the inference component is being created; it can be scaled once it is InService',
  },
  Failed: { state: 'failed' },
  Deleting: { state: 'missing', message: 'the inference component is being deleted and cannot be started' },
};

/**
 * The scheduler's word for a component: its service status read with its copy counts (absent
 * counts are zero).
 */
export const sageMakerComponentStatus = (
  status: string | undefined,
  desired = 0,
  current = 0,
): string | undefined => {
  if (status !== 'InService' && status !== 'Updating') return status;
  if (desired === 0) return current === 0 ? 'ScaledToZero' : 'ScalingDown';
  if (current < desired) return 'ScalingUp';
  return status === 'InService' || current > desired ? 'InService' : 'Updating';
};

/**
 * SageMaker's status words as its host reads them: a word this code does not know (a status the
 * service added later) is `missing`, so the scheduler does not act on it, and people are told so.
 */
export const sageMakerStatusReader = statusReader(
  sageMakerStatuses,
  (status) => `the status ${status} is unknown to the scheduler, which does not act on it`,
);

/** Maps a component status word to the scheduler's observed state (see `sageMakerStatuses`). */
export const observedStateOfSageMakerStatus = sageMakerStatusReader.stateOf;
