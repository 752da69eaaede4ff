import { type StatusTable, statusReader } from '../kit/statuses.ts';

/**
 * What each Lookout for Vision status means to the scheduler. A model that is training, failed
 * training or is being deleted cannot be hosted at all, so for the scheduler it is as good as
 * missing; the raw status and a message keep the difference visible in logs and `status`.
 */
export const lookoutVisionStatuses: StatusTable = {
  TRAINED: { state: 'stopped' },
  STARTING_HOSTING: { state: 'starting' },
  HOSTED: { state: 'hosted' },
  HOSTING_FAILED: { state: 'failed' },
  STOPPING_HOSTING: { state: 'stopping' },
  SYSTEM_UPDATING: { state: 'updating' },
  TRAINING: { state: 'missing', message: 'the model is still training and cannot be hosted yet' },
  TRAINING_FAILED: { state: 'missing', message: 'the model failed training and cannot be hosted' },
  DELETING: { state: 'missing', message: 'the model is being deleted' },
};

/** Lookout for Vision's statuses as its host reads them; a status the table does not name gets no message. */
export const lookoutVisionStatusReader = statusReader(lookoutVisionStatuses);

/**
 * Maps a Lookout for Vision model status to the scheduler's observed state. A status this code
 * does not know (one added after the SDK froze) is `missing`: the scheduler must not act on it.
 */
export const observedStateOfLookoutVisionStatus = lookoutVisionStatusReader.stateOf;
