import { z } from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';

/** Where a Lookout for Vision model lives: its project and version. */
export const lookoutVisionRefSchema = z.object({
  provider: z.literal('lookoutvision'),
  projectName: z.string(),
  modelVersion: z.string(),
});

export type LookoutVisionRef = z.infer<typeof lookoutVisionRefSchema>;

/** Whether `ref` names a Lookout for Vision model. */
export const isLookoutVisionRef = (ref: ModelRef): ref is LookoutVisionRef =>
  lookoutVisionRefSchema.safeParse(ref).success;

/** The stable key of a Lookout for Vision ref, for maps and logs: `lookoutvision:PROJECT/VERSION`. */
export const lookoutVisionRefKey = (ref: LookoutVisionRef): string =>
  `lookoutvision:${ref.projectName}/${ref.modelVersion}`;
