import { type IamGrants, type IamResource, literalResource, perProject, stackArn } from '../kit/iam.ts';
import type { SageMakerModel } from './schema.ts';

/** `arn:PARTITION:sagemaker:REGION:ACCOUNT:<resource>` of the stack's partition, region and account. */
const sageMakerArn = (resource: string): IamResource => stackArn('sagemaker', resource);

/**
 * The SageMaker grants: UpdateInferenceComponentRuntimeConfig and DescribeInferenceComponent on the
 * exact inference-component ARNs of the file, in the stack's account and region. The schema keeps
 * `*`, `?` and `/` out of the names, so no name widens a grant. A component's ARN does not name its
 * endpoint, so no grant covers an endpoint's components as a whole: each component is its own
 * project of one resource, which packaging never widens.
 *
 * ListInferenceComponents lists and names no resource: like the other list calls of the service it
 * is granted on "*", alone in its statement. Application Auto Scaling is not used, so none of its
 * actions is granted.
 *
 * @param models - the file's SageMaker entries (at least one)
 */
export const sageMakerIamGrants = (models: readonly SageMakerModel[]): IamGrants => {
  const components = models.map((model) => {
    // The service writes the names in its ARNs in lower case, and IAM compares ARNs as written.
    const arn = sageMakerArn(`inference-component/${model.inferenceComponentName.toLowerCase()}`);
    return { project: model.inferenceComponentName, exact: arn, whole: arn };
  });
  return [
    perProject(
      ['sagemaker:UpdateInferenceComponentRuntimeConfig', 'sagemaker:DescribeInferenceComponent'],
      components,
    ),
    // The Service Authorization Reference gives this List action no resource type: "*" is all IAM honours.
    { actions: ['sagemaker:ListInferenceComponents'], fixed: [literalResource('*')] },
  ];
};
