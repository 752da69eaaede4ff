/**
 * IAM grants as providers state them and packaging (deploy/shift-schedules.cjs) writes them: plain
 * data, so packaging needs no knowledge of any service's ARNs.
 */

/** One resource of a statement: a CloudFormation value, and a key that orders and deduplicates it. */
export interface IamResource {
  readonly key: string;
  /** A string ARN, `"*"`, or an intrinsic such as `Fn::Join` over `Ref`s of pseudo parameters. */
  readonly resource: unknown;
}

/** A project's resources in one statement: exactly its models', or one that covers all its versions. */
export interface ProjectGrant {
  readonly project: string;
  readonly exact: readonly IamResource[];
  readonly whole: IamResource;
}

/**
 * One statement's actions and resources: per project, which packaging may widen to the whole project
 * when the exact grants do not fit, or `fixed` resources that never change (an action IAM honours
 * only on `"*"`).
 */
export type IamStatementGrant =
  | { readonly actions: readonly string[]; readonly projects: readonly ProjectGrant[] }
  | { readonly actions: readonly string[]; readonly fixed: readonly IamResource[] };

/** A provider's statements for the models of one file, in the order packaging writes them. */
export type IamGrants = readonly IamStatementGrant[];

/**
 * A statement granted per project.
 *
 * @param actions - the statement's actions
 * @param grants - one per model: its project, its exact resource and its project's whole resource;
 *   projects keep their first-seen order, repeated resources are granted once
 */
export const perProject = (
  actions: readonly string[],
  grants: readonly { project: string; exact: IamResource; whole: IamResource }[],
): IamStatementGrant => {
  const projects = new Map<
    string,
    { project: string; exact: Map<string, IamResource>; whole: IamResource }
  >();
  for (const { project, exact, whole } of grants) {
    const grant = projects.get(project) ?? { project, exact: new Map(), whole };
    grant.exact.set(exact.key, exact);
    projects.set(project, grant);
  }
  return {
    actions,
    projects: [...projects.values()].map(({ project, exact, whole }) => ({
      project,
      exact: [...exact.values()],
      whole,
    })),
  };
};

/** A resource that is its own key: an ARN written out in full. */
export const literalResource = (arn: string): IamResource => ({ key: arn, resource: arn });

/**
 * `arn:PARTITION:SERVICE:REGION:ACCOUNT:<resource>` in the stack's partition, region and account.
 *
 * @param service - the ARN's service, such as `lookoutvision`
 * @param resource - what follows the account, such as `model/NAME/1`; also the resource's key
 */
export const stackArn = (service: string, resource: string): IamResource => ({
  key: resource,
  resource: {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resource}`,
      ],
    ],
  },
});
