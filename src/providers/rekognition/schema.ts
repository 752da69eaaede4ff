import { z } from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';

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
