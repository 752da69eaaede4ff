import { z } from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';
import { type ModelKind, modelSchemaOf, show } from '../../schedule/config.ts';

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

const MODEL_VERSION = /^([1-9][0-9]*|latest)$/;

/**
 * A Lookout for Vision project name, as the service allows it. Packaging builds IAM ARNs from it,
 * so the pattern also keeps `*` and `/` out of them.
 */
export const LOOKOUT_VISION_PROJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;

/** The fields a Lookout for Vision entry of shifts.yml adds to the common ones. */
export const lookoutVisionFields = {
  projectName: z.string().regex(LOOKOUT_VISION_PROJECT_NAME, {
    error: (issue) =>
      `${show(issue.input)} is not a Lookout for Vision project name (1–255 letters, digits, "-" and "_", starting with a letter or digit)`,
  }),
  modelVersion: z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `${issue.input} must be quoted: modelVersion is a string such as "3"`
          : issue.input === undefined
            ? 'required'
            : `${show(issue.input)} is not a model version such as "3" or "latest"`,
    })
    .regex(MODEL_VERSION, {
      error: (issue) => `${show(issue.input)} is not a model version ("1", "2", … or "latest")`,
    }),
};

/** Lookout for Vision entries of shifts.yml; "latest" floats over every version of its project. */
export const lookoutVisionModelKind = {
  provider: 'lookoutvision' as const,
  fields: lookoutVisionFields,
  physicalModel: (entry) =>
    typeof entry.projectName === 'string' && typeof entry.modelVersion === 'string'
      ? {
          project: entry.projectName,
          version: entry.modelVersion,
          field: 'modelVersion',
          floating: entry.modelVersion === 'latest',
        }
      : undefined,
} satisfies ModelKind;

/** A model hosted by Amazon Lookout for Vision, as validated. */
export const lookoutVisionModelSchema = modelSchemaOf(lookoutVisionModelKind);

export type LookoutVisionModel = z.infer<typeof lookoutVisionModelSchema>;

/** Where a validated Lookout for Vision entry's model lives. */
export const lookoutVisionRefOf = (model: LookoutVisionModel): LookoutVisionRef => ({
  provider: 'lookoutvision',
  projectName: model.projectName,
  modelVersion: model.modelVersion,
});
