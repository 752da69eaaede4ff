import * as z from 'zod';
import { show } from '../../schedule/config.ts';
import { type ModelOfNaming, type ProjectVersionRef, projectVersionNaming } from '../kit/refs.ts';

/** Where a Lookout for Vision model lives: its project and version. */
export type LookoutVisionRef = ProjectVersionRef<'lookoutvision', 'projectName', 'modelVersion'>;

const MODEL_VERSION = /^([1-9][0-9]*|latest)$/;

/**
 * A Lookout for Vision project name, as the service allows it. Packaging builds IAM ARNs from it,
 * so the pattern also keeps `*` and `/` out of them.
 */
export const LOOKOUT_VISION_PROJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;

/** Lookout for Vision names a model by its project and version; "latest" floats over every version of its project. */
export const lookoutVisionNaming = projectVersionNaming({
  provider: 'lookoutvision',
  title: 'Lookout for Vision',
  project: 'projectName',
  version: 'modelVersion',
  floating: (version) => version === 'latest',
  fields: {
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
  },
});

/** A model hosted by Amazon Lookout for Vision, as validated. */
export type LookoutVisionModel = ModelOfNaming<typeof lookoutVisionNaming>;
