import { z } from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';
import { type ModelKind, modelSchemaOf, show } from '../../schedule/config.ts';

/**
 * Where a Rekognition Custom Labels version lives: its project ARN and version name. The version's
 * own ARN ends in a creation timestamp the configuration does not know; the host learns it.
 */
export const rekognitionRefSchema = z.object({
  provider: z.literal('rekognition'),
  projectArn: z.string(),
  versionName: z.string(),
});

export type RekognitionRef = z.infer<typeof rekognitionRefSchema>;

/** Whether `ref` names a Rekognition Custom Labels version. */
export const isRekognitionRef = (ref: ModelRef): ref is RekognitionRef =>
  rekognitionRefSchema.safeParse(ref).success;

/** The stable key of a Rekognition ref, for maps and logs: `rekognition:PROJECT_ARN/VERSION`. */
export const rekognitionRefKey = (ref: RekognitionRef): string =>
  `rekognition:${ref.projectArn}/${ref.versionName}`;

/**
 * A Rekognition Custom Labels project ARN, `arn:PARTITION:rekognition:REGION:ACCOUNT:project/NAME/TIMESTAMP`;
 * group 1 is the ARN without its timestamp. The name is the service's pattern, which keeps `*`, `?`
 * and `/` out of the ARNs packaging grants.
 */
export const REKOGNITION_PROJECT_ARN =
  /^(arn:aws(?:-[a-z]+)*:rekognition:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:project\/[a-zA-Z0-9_.-]{1,255})\/\d+$/;
/** A Rekognition Custom Labels version name, as the service allows it. */
export const REKOGNITION_VERSION_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/** The fields a Rekognition entry of shifts.yml adds to the common ones. */
export const rekognitionFields = {
  projectArn: z.string().regex(REKOGNITION_PROJECT_ARN, {
    error: (issue) =>
      `${show(issue.input)} is not a Rekognition project ARN (arn:aws:rekognition:REGION:ACCOUNT:project/NAME/ID, NAME of 1–255 letters, digits, "-", "_" and ".")`,
  }),
  versionName: z.string().regex(REKOGNITION_VERSION_NAME, {
    error: (issue) =>
      `${show(issue.input)} is not a Rekognition version name (1–255 letters, digits, "-", "_" and ".")`,
  }),
};

/** Rekognition entries of shifts.yml; a version is named exactly, never floating. */
export const rekognitionModelKind = {
  provider: 'rekognition' as const,
  fields: rekognitionFields,
  physicalModel: (entry) =>
    typeof entry.projectArn === 'string' && typeof entry.versionName === 'string'
      ? { project: entry.projectArn, version: entry.versionName, field: 'versionName', floating: false }
      : undefined,
} satisfies ModelKind;

/** A model hosted by Amazon Rekognition Custom Labels, as validated. */
export const rekognitionModelSchema = modelSchemaOf(rekognitionModelKind);

export type RekognitionModel = z.infer<typeof rekognitionModelSchema>;

/** Where a validated Rekognition entry's version lives. */
export const rekognitionRefOf = (model: RekognitionModel): RekognitionRef => ({
  provider: 'rekognition',
  projectArn: model.projectArn,
  versionName: model.versionName,
});
