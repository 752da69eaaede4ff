import { z } from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';
import { type ModelKind, modelSchemaOf, show } from '../../schedule/config.ts';

/**
 * Where a SageMaker inference component lives: its endpoint and its own name. Component names are
 * unique in an account and region; the endpoint is what one list call covers.
 */
export const sageMakerRefSchema = z.object({
  provider: z.literal('sagemaker'),
  endpointName: z.string(),
  inferenceComponentName: z.string(),
});

export type SageMakerRef = z.infer<typeof sageMakerRefSchema>;

/** Whether `ref` names a SageMaker inference component. */
export const isSageMakerRef = (ref: ModelRef): ref is SageMakerRef =>
  sageMakerRefSchema.safeParse(ref).success;

/** The stable key of a SageMaker ref, for maps and logs: `sagemaker:ENDPOINT/COMPONENT`. */
export const sageMakerRefKey = (ref: SageMakerRef): string =>
  `sagemaker:${ref.endpointName}/${ref.inferenceComponentName}`;

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

/** The fields a SageMaker entry of shifts.yml adds to the common ones. */
export const sageMakerFields = {
  endpointName: nameField('endpoint'),
  inferenceComponentName: nameField('inference component'),
};

/**
 * Why a SageMaker model takes no `maxInferenceUnits`: scaling sets one copy count, and the maximum
 * belongs to the component's Application Auto Scaling target, which the scheduler does not manage.
 */
export const maxCopiesRefused =
  'a SageMaker inference component is scaled to one number of copies (minInferenceUnits); its maximum ' +
  "is the component's Application Auto Scaling target, which the scheduler does not manage";

/**
 * SageMaker entries of shifts.yml: the inference component is the physical model; a shift's
 * `minInferenceUnits` is its number of model copies, and its schedule sets no maximum.
 */
export const sageMakerModelKind = {
  provider: 'sagemaker' as const,
  fields: sageMakerFields,
  refusesMaxInferenceUnits: maxCopiesRefused,
  physicalModel: (entry) =>
    typeof entry.endpointName === 'string' && typeof entry.inferenceComponentName === 'string'
      ? {
          project: entry.endpointName,
          version: entry.inferenceComponentName,
          field: 'inferenceComponentName',
          floating: false,
        }
      : undefined,
} satisfies ModelKind;

/** A model hosted as a SageMaker inference component, as validated. */
export const sageMakerModelSchema = modelSchemaOf(sageMakerModelKind);

export type SageMakerModel = z.infer<typeof sageMakerModelSchema>;

/** Where a validated SageMaker entry's inference component lives. */
export const sageMakerRefOf = (model: SageMakerModel): SageMakerRef => ({
  provider: 'sagemaker',
  endpointName: model.endpointName,
  inferenceComponentName: model.inferenceComponentName,
});
