import * as z from 'zod';
import { show } from '../../schedule/config.ts';
import { type ModelOfNaming, type ProjectVersionRef, projectVersionNaming } from '../kit/refs.ts';

/**
 * Where a SageMaker inference component lives: its endpoint and its own name. Component names are
 * unique in an account and region; the endpoint is what one list call covers.
 */
export type SageMakerRef = ProjectVersionRef<'sagemaker', 'endpointName', 'inferenceComponentName'>;

/**
 * An endpoint or inference component name as the service allows it: letters, digits and inner
 * hyphens, at most 63 characters. It keeps `*`, `?` and `/` out of the ARNs packaging grants.
 */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

const nameField = (what: string) =>
  z.string().regex(SAGEMAKER_NAME, {
    error: (issue) =>
      `${show(issue.input)} is not a SageMaker ${what} name (1–63 letters, digits and hyphens, starting and ending with a letter or digit)`,
  });

/**
 * Why a SageMaker model takes no `maxInferenceUnits`: scaling sets one copy count, and the maximum
 * belongs to the component's Application Auto Scaling target, which the scheduler does not manage.
 */
export const maxCopiesRefused =
  'a SageMaker inference component is scaled to one number of copies (minInferenceUnits); its maximum ' +
  "is the component's Application Auto Scaling target, which the scheduler does not manage";

/**
 * SageMaker names a model by its endpoint and inference component, never floating: the component is
 * the physical model, a shift's `minInferenceUnits` is its number of model copies, and its schedule
 * sets no maximum.
 */
export const sageMakerNaming = projectVersionNaming({
  provider: 'sagemaker',
  title: 'SageMaker inference components',
  project: 'endpointName',
  version: 'inferenceComponentName',
  refusesMaxInferenceUnits: maxCopiesRefused,
  fields: {
    endpointName: nameField('endpoint'),
    inferenceComponentName: nameField('inference component'),
  },
});

/** Whether `ref` names a SageMaker inference component. */
export const isSageMakerRef = sageMakerNaming.isRef;

/** A model hosted as a SageMaker inference component, as validated. */
export type SageMakerModel = ModelOfNaming<typeof sageMakerNaming>;
