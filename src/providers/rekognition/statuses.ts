import type { ProjectVersionStatus } from '@aws-sdk/client-rekognition';
import { type StatusTable, statusReader } from '../kit/statuses.ts';

/**
 * What the scheduler may do with a version in each status of the service model, and what it tells
 * people about the ones it cannot start. Typed by the SDK's enum, so a status the SDK adds does not
 * compile until it has a meaning here.
 *
 * - A trained, copied, stopped or failed version can be started (`stopped`, `failed`).
 * - A training or a copy in progress ends in a version that can be started: the scheduler waits
 *   (`updating`) instead of failing the run, so a copy finished just before a shift still serves it.
 * - A failed training or copy, a deletion, a deprecated or an expired version can never be started:
 *   for the scheduler it is as good as `missing`, and the run fails with an alert.
 */
export const rekognitionStatuses: StatusTable<ProjectVersionStatus> = {
  TRAINING_IN_PROGRESS: {
    state: 'updating',
    message: 'the model is still training; it can be started once training completes',
  },
  TRAINING_COMPLETED: { state: 'stopped' },
  TRAINING_FAILED: { state: 'missing', message: 'the model failed training and cannot be started' },
  STARTING: { state: 'starting' },
  RUNNING: { state: 'hosted' },
  FAILED: { state: 'failed' },
  STOPPING: { state: 'stopping' },
  STOPPED: { state: 'stopped' },
  DELETING: { state: 'missing', message: 'the model is being deleted and cannot be started' },
  COPYING_IN_PROGRESS: {
    state: 'updating',
    message: 'the model is being copied; it can be started once the copy completes',
  },
  COPYING_COMPLETED: { state: 'stopped' },
  COPYING_FAILED: { state: 'missing', message: 'the model copy failed and cannot be started' },
  DEPRECATED: { state: 'missing', message: 'the model version is deprecated and can no longer be started' },
  EXPIRED: { state: 'missing', message: 'the model version has expired and can no longer be started' },
};

/**
 * Rekognition's statuses as its host reads them: a status the table does not name (one added after
 * this SDK) is `missing`, and people are told the scheduler does not act on it.
 */
export const rekognitionStatusReader = statusReader(
  rekognitionStatuses,
  (status) => `the status ${status} is unknown to the scheduler, which does not act on it`,
);

/** Maps a Rekognition project version status to the scheduler's observed state (see `rekognitionStatuses`). */
export const observedStateOfRekognitionStatus = rekognitionStatusReader.stateOf;
