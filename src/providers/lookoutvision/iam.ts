import { type IamGrants, type IamResource, literalResource, perProject, stackArn } from '../kit/iam.ts';
import type { LookoutVisionModel } from './schema.ts';

/** `arn:PARTITION:lookoutvision:REGION:ACCOUNT:<resource>` of the stack's partition, region and account. */
const lookoutVisionArn = (resource: string): IamResource => stackArn('lookoutvision', resource);

/**
 * The Lookout for Vision grants: StartModel, StopModel and DescribeModel on the model ARNs, in the
 * stack's account and region. `latest` is resolved by the service at call time, so such a model is
 * granted as every version of its project. The schema keeps `*` and `/` out of project names, so no
 * name widens a grant. ListModels supports no resource type: IAM honours it only on "*", so it is
 * granted alone.
 *
 * @param models - the file's Lookout for Vision entries (at least one)
 */
export const lookoutVisionIamGrants = (models: readonly LookoutVisionModel[]): IamGrants => [
  perProject(
    ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
    models.map((model) => ({
      project: model.projectName,
      exact: lookoutVisionArn(
        `model/${model.projectName}/${model.modelVersion === 'latest' ? '*' : model.modelVersion}`,
      ),
      whole: lookoutVisionArn(`model/${model.projectName}/*`),
    })),
  ),
  { actions: ['lookoutvision:ListModels'], fixed: [literalResource('*')] },
];
