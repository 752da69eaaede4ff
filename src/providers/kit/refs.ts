import * as z from 'zod';
import type { ModelRef } from '../../hosting/model-host.ts';
import type { modelSchemaOf, PhysicalModel } from '../../schedule/config.ts';

/**
 * A ref as text, for a message about a ref the speaking host does not own: its provider and its
 * fields in the order they were written (the same text as the owner's key for a ref the owner built).
 */
export const describeRef = (ref: ModelRef): string => {
  const { provider, ...fields } = ref;
  return `${provider}:${Object.values(fields).join('/')}`;
};

/** A ref that names a model by two fields: the project it belongs to, then its version there. */
export type ProjectVersionRef<Id extends string, Project extends string, Version extends string> = {
  provider: Id;
} & { [Field in Project | Version]: string };

/** How a provider names its models: a project field and a version field, in its refs and its shifts.yml entries. */
export interface ProjectVersionFields<
  Id extends string,
  Project extends string,
  Version extends string,
  Fields extends { readonly [Field in Project | Version]: z.ZodType<string> },
> {
  /** The value of `provider`. */
  readonly provider: Id;
  /** The service's name, for people. */
  readonly title: string;
  readonly project: Project;
  readonly version: Version;
  /** Whether an entry's version floats over the project's versions (such as "latest"); none float when unset. */
  readonly floating?: (version: string) => boolean;
  /** The fields its shifts.yml entries add to the common ones, the two among them, with their rules and messages. */
  readonly fields: Fields;
  /** Why its models take no `maxInferenceUnits`, when the service has no maximum to set. */
  readonly refusesMaxInferenceUnits?: string;
}

/** The refs and the kind of model of a provider whose models are named by project and version. */
export interface ProjectVersionNaming<
  Id extends string,
  Project extends string,
  Version extends string,
  Fields extends z.ZodRawShape = z.ZodRawShape,
> {
  readonly id: Id;
  readonly title: string;
  /** Its entries of shifts.yml: their fields, and what each starts and stops. */
  readonly modelKind: {
    readonly provider: Id;
    readonly fields: Fields;
    physicalModel(entry: Readonly<Record<string, unknown>>): PhysicalModel | undefined;
    readonly refusesMaxInferenceUnits?: string;
  };
  /** Whether `ref` names one of this provider's models. */
  isRef(ref: ModelRef): ref is ProjectVersionRef<Id, Project, Version>;
  /** The stable key of a ref, for maps and logs: `PROVIDER:PROJECT/VERSION`. */
  refKey(ref: ProjectVersionRef<Id, Project, Version>): string;
  /** Where a validated entry's model lives. */
  refOf(model: { readonly [Field in Project | Version]: string }): ProjectVersionRef<Id, Project, Version>;
}

/** A validated shifts.yml entry of a provider's naming. */
export type ModelOfNaming<
  Naming extends { readonly modelKind: { readonly provider: string; readonly fields: z.ZodRawShape } },
> = z.infer<ReturnType<typeof modelSchemaOf<Naming['modelKind']['provider'], Naming['modelKind']['fields']>>>;

/**
 * The refs, keys and physical models of a provider that names its models by project and version.
 *
 * @param fields - the provider's id and title, its two fields, which versions float, and the rules of its entries' fields
 */
export const projectVersionNaming = <
  Id extends string,
  Project extends string,
  Version extends string,
  Fields extends { readonly [Field in Project | Version]: z.ZodType<string> },
>(
  fields: ProjectVersionFields<Id, Project, Version, Fields>,
): ProjectVersionNaming<Id, Project, Version, Fields> => {
  type Ref = ProjectVersionRef<Id, Project, Version>;
  const { provider, project, version } = fields;
  const schema = z.object({ provider: z.literal(provider), [project]: z.string(), [version]: z.string() });
  return {
    id: provider,
    title: fields.title,
    isRef: (ref): ref is Ref => schema.safeParse(ref).success,
    refKey: (ref) => `${provider}:${ref[project]}/${ref[version]}`,
    refOf: (model) => ({ provider, [project]: model[project], [version]: model[version] }) as Ref,
    modelKind: {
      provider,
      fields: fields.fields,
      ...(fields.refusesMaxInferenceUnits === undefined
        ? {}
        : { refusesMaxInferenceUnits: fields.refusesMaxInferenceUnits }),
      physicalModel: (entry) => {
        const place = entry[project];
        const named = entry[version];
        return typeof place === 'string' && typeof named === 'string'
          ? { project: place, version: named, field: version, floating: fields.floating?.(named) ?? false }
          : undefined;
      },
    },
  };
};
