import * as z from 'zod';
import { show } from '../../schedule/config.ts';
import { type ModelOfNaming, type ProjectVersionRef, projectVersionNaming } from '../kit/refs.ts';

/**
 * Where a Rekognition Custom Labels version lives: its project ARN and version name. The version's
 * own ARN ends in a creation timestamp the configuration does not know; the host learns it.
 */
export type RekognitionRef = ProjectVersionRef<'rekognition', 'projectArn', 'versionName'>;

/**
 * A Rekognition Custom Labels project ARN, `arn:PARTITION:rekognition:REGION:ACCOUNT:project/NAME/TIMESTAMP`;
 * group 1 is the ARN without its timestamp. The name is the service's pattern, which keeps `*`, `?`
 * and `/` out of the ARNs packaging grants.
 */
export const REKOGNITION_PROJECT_ARN =
  /^(arn:aws(?:-[a-z]+)*:rekognition:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:project\/[a-zA-Z0-9_.-]{1,255})\/\d+$/;
/** A Rekognition Custom Labels version name, as the service allows it. */
export const REKOGNITION_VERSION_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/** Rekognition Custom Labels names a version by its project ARN and version name, never floating. */
export const rekognitionNaming = projectVersionNaming({
  provider: 'rekognition',
  title: 'Rekognition Custom Labels',
  project: 'projectArn',
  version: 'versionName',
  fields: {
    projectArn: z.string().regex(REKOGNITION_PROJECT_ARN, {
      error: (issue) =>
        `${show(issue.input)} is not a Rekognition project ARN (arn:aws:rekognition:REGION:ACCOUNT:project/NAME/ID, NAME of 1–255 letters, digits, "-", "_" and ".")`,
    }),
    versionName: z.string().regex(REKOGNITION_VERSION_NAME, {
      error: (issue) =>
        `${show(issue.input)} is not a Rekognition version name (1–255 letters, digits, "-", "_" and ".")`,
    }),
  },
});

/** A model hosted by Amazon Rekognition Custom Labels, as validated. */
export type RekognitionModel = ModelOfNaming<typeof rekognitionNaming>;
