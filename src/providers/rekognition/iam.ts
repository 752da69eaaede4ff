import { type IamGrants, literalResource, perProject } from '../kit/iam.ts';
import { REKOGNITION_PROJECT_ARN, type RekognitionModel } from './schema.ts';

/** The project ARN without its creation timestamp (the schema's pattern guarantees the match). */
const projectOf = (projectArn: string): string => REKOGNITION_PROJECT_ARN.exec(projectArn)?.[1] ?? projectArn;

/**
 * The Rekognition Custom Labels grants: StartProjectVersion and StopProjectVersion on the versions
 * (any creation timestamp of the named version), DescribeProjectVersions on the exact projects. The
 * ARNs are the configured ones, so they name their own partition, region and account; the schema's
 * pattern keeps `*`, `?` and `/` out of their names.
 *
 * @param models - the file's Rekognition entries (at least one)
 */
export const rekognitionIamGrants = (models: readonly RekognitionModel[]): IamGrants => [
  perProject(
    ['rekognition:StartProjectVersion', 'rekognition:StopProjectVersion'],
    models.map((model) => {
      const project = projectOf(model.projectArn);
      return {
        project,
        exact: literalResource(`${project}/version/${model.versionName}/*`),
        whole: literalResource(`${project}/version/*`),
      };
    }),
  ),
  perProject(
    ['rekognition:DescribeProjectVersions'],
    models.map((model) => ({
      project: model.projectArn,
      exact: literalResource(model.projectArn),
      whole: literalResource(model.projectArn),
    })),
  ),
];
