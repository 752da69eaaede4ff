import { type Document, isAlias, isMap, isPair, isSeq, type Node, parseDocument } from 'yaml';
import * as z from 'zod';
import { UsageError, ValidationError } from '../errors.ts';
import { ClosedDates, parseDays } from './days.ts';
import { DEFAULT_COVERAGE_TARGET, DEFAULT_MAX_LEAD_MINUTES, type LeadBook } from './lead.ts';
import { MAX_LEAD_DAYS } from './limits.ts';
import { isIanaTimeZone, isIsoDate, minutesOfHhmm } from './zoned.ts';

/**
 * shifts.yml: the schemas (the types come from them) and the one entry point that reads a file's
 * text into a validated {@link SchedulerConfig}. What a model entry names at its provider is not
 * known here: the kinds of model ({@link ModelKind}, one per hosting provider) come in as a
 * parameter, through {@link configRulesFor}. Shape and field rules live in the zod schemas; rules
 * that relate fields (references, duplicates, end vs start, min vs max) live in
 * {@link crossFieldIssues}, which runs on the raw document even when the shape is wrong, so a file
 * with several mistakes gets all of them reported at once.
 */

/** A rejected field: `path` as written to the user (`schedules.x.shifts[0].start`) and what is wrong. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A value as messages show it: `"6am"`, `3`, `a list`, `a mapping`, `nothing`. */
export const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
};

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// Name rules. Packaging builds EventBridge Scheduler names from schedule names (and each provider
// its IAM ARNs from its own fields, under the provider's rules), so what the schema accepts must be
// what the services accept.

/** Characters EventBridge Scheduler refuses in a schedule name; each becomes `-`. */
const SCHEDULER_NAME_REFUSED = /[^0-9a-zA-Z\-_.]/g;

/**
 * `text` with every character EventBridge Scheduler refuses in a schedule name replaced by `-`.
 * Schedule names whose forms here are equal would make the same entry names, so the schema refuses
 * them.
 */
export const schedulerNameText = (text: string): string => text.replace(SCHEDULER_NAME_REFUSED, '-');

/**
 * Names a plain JavaScript object already has (`__proto__`, `constructor`, `toString`, …). A
 * schedule, calendar or model id with one of them would read as the prototype's member wherever the
 * name becomes an object key, so the schema refuses them.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether `name` is one a plain object already has, and so cannot be a schedule, calendar or model id. */
export const isReservedName = (name: string): boolean => RESERVED_NAMES.has(name);

// Numeric bounds. Each keeps the engine's arithmetic exact and its sums finite.

const MINUTES_PER_DAY = 1440;
/**
 * The largest lead. The engine looks a week plus this lead around a query (`RUN_LOOK_BACK_DAYS`),
 * so a longer lead would make start actions appear or vanish with the query range.
 */
export const MAX_LEAD_MINUTES = MAX_LEAD_DAYS * MINUTES_PER_DAY;
/**
 * The most inference units a shift may ask for. Both services take a 32-bit integer and grant far
 * fewer units per model in their quotas; this keeps unit-hours and cost finite.
 */
export const MAX_INFERENCE_UNITS = 1000;
/** The highest price per inference-unit hour, in USD (the services charge a few dollars). */
export const MAX_PRICE_PER_INFERENCE_UNIT_HOUR = 1000;
/** The largest monthly budget, in USD or in inference-unit hours. */
export const MAX_MONTHLY_BUDGET = 1_000_000_000;
/**
 * The most YAML nodes a file may hold once its aliases are expanded. Validation and every reader
 * walk the expanded document, so a few lines of nested aliases (a "billion laughs") must be refused
 * before they are expanded; an ordinary fleet file stays far below this.
 */
export const MAX_EXPANDED_NODES = 250_000;

const hhmm = z.string().refine((text) => minutesOfHhmm(text) !== undefined, {
  error: (issue) => `${show(issue.input)} is not HH:MM`,
});

const timeZone = z.string().refine(isIanaTimeZone, {
  error: (issue) => `${show(issue.input)} is not an IANA time zone (e.g. "Europe/Berlin")`,
});

const unitsMessage = (issue: { input?: unknown }): string =>
  issue.input === undefined ? 'required' : `${show(issue.input)} is not a whole number of at least 1`;
const inferenceUnits = z.number({ error: unitsMessage }).superRefine((units, ctx) => {
  if (!Number.isInteger(units) || units < 1)
    ctx.addIssue({ code: 'custom', message: unitsMessage({ input: units }) });
  else if (units > MAX_INFERENCE_UNITS) {
    ctx.addIssue({
      code: 'custom',
      message: `${show(units)} is above ${MAX_INFERENCE_UNITS}, the most inference units a shift may ask for`,
    });
  }
});

const fixedLeadIssue = (minutes: number): string | undefined => {
  if (!Number.isInteger(minutes)) return `${show(minutes)} is not a whole number of minutes`;
  if (minutes < 0) return `${show(minutes)} is negative`;
  if (minutes > MAX_LEAD_MINUTES)
    return `${show(minutes)} is above ${MAX_LEAD_MINUTES} minutes (${MAX_LEAD_DAYS} day), the longest lead the scheduler plans`;
  return undefined;
};

/** A number of minutes, or `auto`: learned from the model's recorded starts (see lead.ts). */
const leadMinutes = z
  .union([z.literal('auto'), z.number()], {
    error: (issue) => `${show(issue.input)} is not a whole number of minutes or "auto"`,
  })
  .superRefine((lead, ctx) => {
    const issue = lead === 'auto' ? undefined : fixedLeadIssue(lead);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });

/** The fraction of shift minutes an `auto` lead keeps hosted: above 0 and below 1. */
const coverageTarget = z.number().superRefine((target, ctx) => {
  if (!(target > 0 && target < 1)) {
    ctx.addIssue({
      code: 'custom',
      message: `${show(target)} is not a fraction above 0 and below 1 (e.g. 0.995 for 99.5 % of shift minutes)`,
    });
  }
});

/** The longest lead an `auto` lead may choose. */
const maxLeadMinutes = z.number().superRefine((minutes, ctx) => {
  const issue = fixedLeadIssue(minutes);
  if (issue) ctx.addIssue({ code: 'custom', message: issue });
});

/** The lead fields every level (defaults, schedule, model) takes. */
const leadFields = {
  coverageTarget: coverageTarget.optional(),
  maxLeadMinutes: maxLeadMinutes.optional(),
};

const price = z
  .number()
  .min(0, { error: (issue) => `${show(issue.input)} is negative` })
  .max(MAX_PRICE_PER_INFERENCE_UNIT_HOUR, {
    error: (issue) =>
      `${show(issue.input)} is above ${MAX_PRICE_PER_INFERENCE_UNIT_HOUR} USD per inference-unit hour`,
  });

const budgetAmount = z
  .number()
  .positive({ error: (issue) => `${show(issue.input)} is not above 0` })
  .max(MAX_MONTHLY_BUDGET, { error: (issue) => `${show(issue.input)} is above ${MAX_MONTHLY_BUDGET}` });

/** A monthly budget, in dollars or in inference-unit hours (exactly one). */
export const monthlyBudgetSchema = z
  .strictObject({ usd: budgetAmount.optional(), inferenceUnitHours: budgetAmount.optional() })
  .refine((budget) => (budget.usd === undefined) !== (budget.inferenceUnitHours === undefined), {
    error: 'give exactly one of usd or inferenceUnitHours',
  });

const closedEntry = z.string().superRefine((text, ctx) => {
  const [first, last, ...rest] = text.split('..');
  const isRange = last !== undefined;
  if (first === undefined || rest.length > 0 || !isIsoDate(first) || (isRange && !isIsoDate(last))) {
    ctx.addIssue({
      code: 'custom',
      message: `${show(text)} is not a date YYYY-MM-DD or an inclusive range YYYY-MM-DD..YYYY-MM-DD`,
    });
  } else if (isRange && last < first) {
    // ISO dates compare correctly as strings.
    ctx.addIssue({ code: 'custom', message: `${show(text)} starts after it ends` });
  }
});

/** A calendar of local dates on which a schedule's shifts do not start. */
export const calendarSchema = z.strictObject({ closed: z.array(closedEntry).default([]) });

/** One shift of a schedule. `end` at or before `start` means the next local day. */
export const shiftSchema = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }),
  days: z.string().superRefine((text, ctx) => {
    const result = parseDays(text);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
  }),
  start: hhmm,
  end: hhmm,
  minInferenceUnits: inferenceUnits,
  maxInferenceUnits: inferenceUnits.optional(),
});

/**
 * What happens between back-to-back windows whose inference units differ. Lookout for Vision cannot
 * change a hosted model's units without a stop and start (10–20 minutes without inspection), so the
 * default keeps the model running with the highest units of the run.
 */
export const unitChangeSchema = z.enum(['keep-highest', 'restart'], {
  error: (issue) => `${show(issue.input)} is not one of keep-highest, restart`,
});

/** A named set of shifts in one time zone. */
export const scheduleSchema = z.strictObject({
  timezone: timeZone.optional(),
  calendar: z.string().optional(),
  unitChange: unitChangeSchema.default('keep-highest'),
  monthlyBudget: monthlyBudgetSchema.optional(),
  leadMinutes: leadMinutes.optional(),
  ...leadFields,
  shifts: z.array(shiftSchema).min(1, { error: 'needs at least one shift' }),
});

const modelCommon = {
  id: z.string().regex(MODEL_ID, {
    error: (issue) => `${show(issue.input)} is not an id (letters, digits, "-", "_", "."; at most 64)`,
  }),
  schedule: z.string(),
  leadMinutes: leadMinutes.optional(),
  ...leadFields,
  pricePerInferenceUnitHour: price.optional(),
  monthlyBudget: monthlyBudgetSchema.optional(),
};

/**
 * What a model entry starts and stops at its provider: the `project` that holds versions and the
 * `version` within it (`field` names the entry's field that holds it). A `floating` version, one the
 * provider resolves at call time (Lookout for Vision's "latest"), may be any version of the project.
 */
export interface PhysicalModel {
  readonly project: string;
  readonly version: string;
  readonly field: string;
  readonly floating: boolean;
}

/** What shifts.yml needs to know about one kind of model: one hosting provider's entries. */
export interface ModelKind {
  /** The value of `provider` that selects this kind. */
  readonly provider: string;
  /** The fields this kind adds to the common ones, with their rules and messages. */
  readonly fields: z.ZodRawShape;
  /**
   * What an entry of this kind starts and stops, for the one-entry-per-physical-model rule; read
   * from the raw entry, so undefined while its fields are not yet strings.
   */
  physicalModel(entry: Readonly<Record<string, unknown>>): PhysicalModel | undefined;
  /**
   * Why a model of this kind cannot run a shift that sets `maxInferenceUnits`, when its service has
   * no maximum to set; absent, the kind takes one.
   */
  readonly refusesMaxInferenceUnits?: string;
}

const modelCommonSchema = z.strictObject({ ...modelCommon, provider: z.string() });

/**
 * The validated schema of one kind of model: the common fields, `provider`, and the kind's own.
 *
 * @param kind - the provider's model kind
 */
export const modelSchemaOf = <Provider extends string, Fields extends z.ZodRawShape>(kind: {
  readonly provider: Provider;
  readonly fields: Fields;
}) => z.strictObject({ ...modelCommon, provider: z.literal(kind.provider), ...kind.fields });

/** Values a model or schedule takes when it does not say otherwise. */
export const defaultsSchema = z.strictObject({
  timezone: timeZone.optional(),
  leadMinutes: leadMinutes.default(0),
  ...leadFields,
  pricePerInferenceUnitHour: price.default(4.0),
  monthlyBudget: monthlyBudgetSchema.optional(),
});

/** Per provider, what the scheduler may ask of its control plane (each provider has a default). */
export const providerSettingsSchema = z.strictObject({
  /** Requests per second per control-plane API; the scheduler paces its calls to it. */
  requestsPerSecond: z
    .number({ error: (issue) => `${show(issue.input)} is not a number of requests per second` })
    .positive({ error: 'must be above 0 requests per second' })
    .max(10_000, { error: 'must be at most 10000 requests per second' }),
});
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

/** The whole of shifts.yml, with `models` the entries of the given kinds. */
const configSchemaOf = <M extends Model>(models: z.ZodType<M>, providerIds: readonly string[]) =>
  z.strictObject({
    version: z.literal(1, { error: (issue) => `${show(issue.input)} is not a supported version (1)` }),
    defaults: defaultsSchema.prefault({}),
    providers: z
      .record(
        z.string().refine((id) => providerIds.includes(id), {
          error: (issue) => `${show(issue.input)} is not a provider (${providerIds.join(', ')})`,
        }),
        providerSettingsSchema,
      )
      .optional(),
    calendars: z.record(z.string(), calendarSchema).default({}),
    schedules: z.record(z.string(), scheduleSchema),
    // Packaging grants the functions exactly the file's models; with none there is nothing to grant.
    models: z
      .array(models)
      .min(1, { error: 'no model, so there is nothing for the functions to start or stop' }),
  });

/**
 * A model as the engine sees it: the fields every model has, its provider's id, and its provider's
 * own fields, which the engine never reads. Provider code narrows it with its own schema's type.
 */
export type Model = z.infer<typeof modelCommonSchema> & { readonly [field: string]: unknown };

/**
 * A validated shifts.yml; `M` is the type of its models (any provider's, unless narrowed). `leadBook`
 * is not part of the file: the caller that knows the recorded starts attaches it
 * ({@link withLeadBook}) so that every view computes the same learned leads.
 */
export type SchedulerConfig<M extends Model = Model> = Omit<
  z.infer<ReturnType<typeof configSchemaOf<Model>>>,
  'models'
> & { models: M[]; readonly leadBook?: LeadBook };

/**
 * `config` with the inputs of its `auto` leads: each provider's prior and each model's recorded
 * starts. Without a book, an `auto` model uses the fallback prior of lead.ts.
 */
export const withLeadBook = <M extends Model>(
  config: SchedulerConfig<M>,
  leadBook: LeadBook,
): SchedulerConfig<M> => {
  const booked = { ...config, leadBook };
  unbooked.set(booked, withoutLeadBook(config));
  return booked;
};

/** Each configuration `withLeadBook` made, to the configuration it was made from. */
const unbooked = new WeakMap<object, SchedulerConfig>();

/**
 * The configuration `config` was made from by {@link withLeadBook}, or `config` itself. Its shifts
 * are the same, so caches of shift occurrences key on this one: a pass that attaches a new lead
 * book each time still finds the occurrences earlier passes worked out.
 */
export const withoutLeadBook = <M extends Model>(config: SchedulerConfig<M>): SchedulerConfig<M> =>
  (unbooked.get(config) as SchedulerConfig<M> | undefined) ?? config;

/** The rules a file is validated with: the schema for the given kinds of model, and the kinds. */
export interface ConfigRules<M extends Model = Model> {
  readonly kinds: readonly ModelKind[];
  readonly schema: z.ZodType<SchedulerConfig<M>>;
}

/**
 * The validation rules of shifts.yml for these kinds of model, built once by the caller that knows
 * the providers and passed to {@link validateConfig} and {@link parseConfigText}.
 *
 * @param kinds - one per provider; `provider` picks among them
 * @typeParam M - the models' type, the union of the kinds' model types
 */
export const configRulesFor = <M extends Model = Model>(kinds: readonly ModelKind[]): ConfigRules<M> => {
  const [first, ...rest] = kinds.map(modelSchemaOf);
  if (!first) throw new RangeError('shifts.yml needs at least one kind of model');
  const models = z.discriminatedUnion('provider', [first, ...rest]) as unknown as z.ZodType<M>;
  return {
    kinds,
    schema: configSchemaOf(
      models,
      kinds.map((kind) => kind.provider),
    ) as unknown as z.ZodType<SchedulerConfig<M>>,
  };
};

export type Defaults = z.infer<typeof defaultsSchema>;
export type Calendar = z.infer<typeof calendarSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type Shift = z.infer<typeof shiftSchema>;
export type MonthlyBudget = z.infer<typeof monthlyBudgetSchema>;
export type UnitChange = z.infer<typeof unitChangeSchema>;

/** Formats a path as users read it: `schedules.weekday-two-shift.shifts[0].start`. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      const plain = /^[A-Za-z0-9_-]+$/.test(text) ? text : JSON.stringify(text);
      return index === 0 ? plain : /^[A-Za-z0-9_-]+$/.test(text) ? `.${text}` : `[${plain}]`;
    })
    .join('');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown => {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isRecord(node)) node = node[String(key)];
    else return undefined;
  }
  return node;
};

/** The provider whose own fields include `field`, other than `except`. */
const ownerOfField = (
  kinds: readonly ModelKind[],
  field: PropertyKey | undefined,
  except?: unknown,
): string | undefined =>
  kinds.find((kind) => kind.provider !== except && Object.hasOwn(kind.fields, field ?? ''))?.provider;

/** "required", naming the provider when the field belongs to one kind of model. */
const requiredMessage = (raw: unknown, path: readonly PropertyKey[], kinds: readonly ModelKind[]): string => {
  const field = path.at(-1);
  const owner = valueAt(raw, path.slice(0, -1));
  const provider = isRecord(owner) ? owner.provider : undefined;
  return path[0] === 'models' &&
    path.length === 3 &&
    typeof provider === 'string' &&
    ownerOfField(kinds, field) !== undefined
    ? `required for a ${provider} model`
    : 'required';
};

/** Turns one zod issue into the messages users read; unknown keys become one issue per key. */
const issuesOfZod = (issue: z.core.$ZodIssue, raw: unknown, kinds: readonly ModelKind[]): ConfigIssue[] => {
  const path = issue.path;
  const input = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const owner = valueAt(raw, path);
      const provider = isRecord(owner) ? owner.provider : undefined;
      const known = typeof provider === 'string' && kinds.some((kind) => kind.provider === provider);
      return issue.keys.map((key) => {
        const foreign = known ? ownerOfField(kinds, key, provider) : undefined;
        return {
          path: formatPath([...path, key]),
          message: foreign
            ? `is a ${foreign} field; a ${String(provider)} model does not take it`
            : 'unknown key',
        };
      });
    }
    case 'invalid_union':
      if ('note' in issue && issue.note === 'No matching discriminator') {
        return [
          {
            path: formatPath(path),
            message: `${show(input)} is not a provider (${kinds.map((kind) => kind.provider).join(', ')})`,
          },
        ];
      }
      return [{ path: formatPath(path), message: issue.message }];
    case 'invalid_type':
      if (path.length === 0) {
        return [
          {
            path: '',
            message: `the file ${input === null || input === undefined ? 'is empty' : `holds ${show(input)}`}, not a mapping of version, defaults, calendars, schedules and models`,
          },
        ];
      }
      // Messages from the schemas' own `error` options stay; zod's generic wording is rewritten.
      if (!issue.message.startsWith('Invalid input'))
        return [{ path: formatPath(path), message: issue.message }];
      return [
        {
          path: formatPath(path),
          message:
            input === undefined
              ? requiredMessage(raw, path, kinds)
              : `expected ${issue.expected === 'record' || issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : issue.expected}, got ${show(input)}`,
        },
      ];
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
};

/**
 * Rules that relate fields to each other. Written against the raw document (nothing is trusted),
 * so they are reported alongside shape errors instead of being hidden by them.
 */
const crossFieldIssues = (raw: unknown, kinds: readonly ModelKind[]): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  if (!isRecord(raw)) return issues;
  const defaults = isRecord(raw.defaults) ? raw.defaults : {};
  const calendars = isRecord(raw.calendars) ? raw.calendars : {};
  const schedules = isRecord(raw.schedules) ? raw.schedules : {};
  issues.push(...reservedKeyIssues('calendars', calendars), ...reservedKeyIssues('schedules', schedules));
  issues.push(...schedulerNameIssues(schedules));
  issues.push(...leadFieldIssues(['defaults'], defaults));

  for (const [name, schedule] of Object.entries(schedules)) {
    if (!isRecord(schedule)) continue;
    issues.push(...leadFieldIssues(['schedules', name], schedule));
    if (schedule.timezone === undefined && defaults.timezone === undefined) {
      issues.push({
        path: formatPath(['schedules', name, 'timezone']),
        message: 'required: there is no defaults.timezone to fall back on',
      });
    }
    if (typeof schedule.calendar === 'string' && !Object.hasOwn(calendars, schedule.calendar)) {
      const known = Object.keys(calendars);
      issues.push({
        path: formatPath(['schedules', name, 'calendar']),
        message: `unknown calendar ${show(schedule.calendar)}${known.length ? ` (calendars: ${known.join(', ')})` : ' (there are no calendars)'}`,
      });
    }
    const shifts = Array.isArray(schedule.shifts) ? schedule.shifts : [];
    const seen = new Map<string, number>();
    shifts.forEach((shift: unknown, index) => {
      if (!isRecord(shift)) return;
      const at = (field: string) => formatPath(['schedules', name, 'shifts', index, field]);
      if (typeof shift.name === 'string') {
        const first = seen.get(shift.name);
        if (first === undefined) seen.set(shift.name, index);
        else
          issues.push({
            path: at('name'),
            message: `duplicate shift name ${show(shift.name)} (also shifts[${first}])`,
          });
      }
      if (
        typeof shift.start === 'string' &&
        minutesOfHhmm(shift.start) !== undefined &&
        shift.start === shift.end
      ) {
        issues.push({
          path: at('end'),
          message: `${show(shift.end)} equals start; a shift cannot last 0 or 24 hours`,
        });
      }
      const { minInferenceUnits: min, maxInferenceUnits: max } = shift;
      if (
        Number.isInteger(min) &&
        Number.isInteger(max) &&
        (min as number) >= 1 &&
        (min as number) > (max as number)
      ) {
        issues.push({
          path: at('minInferenceUnits'),
          message: `${min} is more than maxInferenceUnits ${max}`,
        });
      }
    });
  }

  const models = Array.isArray(raw.models) ? raw.models : [];
  const ids = new Map<string, number>();
  models.forEach((model: unknown, index) => {
    if (!isRecord(model)) return;
    issues.push(...leadFieldIssues(['models', index], model));
    if (typeof model.id === 'string') {
      if (isReservedName(model.id)) {
        issues.push({ path: formatPath(['models', index, 'id']), message: reservedMessage(model.id) });
      }
      const first = ids.get(model.id);
      if (first === undefined) ids.set(model.id, index);
      else
        issues.push({
          path: formatPath(['models', index, 'id']),
          message: `duplicate id ${show(model.id)} (also models[${first}])`,
        });
    }
    if (typeof model.schedule === 'string' && !Object.hasOwn(schedules, model.schedule)) {
      issues.push({
        path: formatPath(['models', index, 'schedule']),
        message: `unknown schedule ${show(model.schedule)} (schedules: ${Object.keys(schedules).join(', ') || 'none'})`,
      });
    } else if (typeof model.schedule === 'string') {
      const refused = kinds.find((kind) => kind.provider === model.provider)?.refusesMaxInferenceUnits;
      const schedule = schedules[model.schedule];
      const shifts = refused && isRecord(schedule) && Array.isArray(schedule.shifts) ? schedule.shifts : [];
      const withMax = shifts.findIndex(
        (shift: unknown) => isRecord(shift) && shift.maxInferenceUnits !== undefined,
      );
      if (withMax >= 0) {
        issues.push({
          path: formatPath(['models', index, 'schedule']),
          message: `${show(model.schedule)} sets maxInferenceUnits (shifts[${withMax}]), which a ${String(model.provider)} model does not take: ${refused}`,
        });
      }
    }
  });
  issues.push(...sharedModelIssues(models, kinds));
  return issues;
};

/**
 * `coverageTarget` or `maxLeadMinutes` beside a numeric `leadMinutes` on the same level: they steer
 * only an `auto` lead, so there they would be silently ignored. On another level they are fine (a
 * model may fix its lead while the defaults learn theirs).
 */
const leadFieldIssues = (at: readonly PropertyKey[], level: Record<string, unknown>): ConfigIssue[] =>
  typeof level.leadMinutes !== 'number'
    ? []
    : (['coverageTarget', 'maxLeadMinutes'] as const)
        .filter((field) => level[field] !== undefined)
        .map((field) => ({
          path: formatPath([...at, field]),
          message: `steers only leadMinutes: auto, and leadMinutes here is ${show(level.leadMinutes)}`,
        }));

const reservedMessage = (name: string): string =>
  `${show(name)} is reserved: every JavaScript object already has it; choose another name`;

/** A calendar or schedule named like a member every object has. */
const reservedKeyIssues = (section: string, entries: Record<string, unknown>): ConfigIssue[] =>
  Object.keys(entries)
    .filter(isReservedName)
    .map((name) => ({ path: formatPath([section, name]), message: reservedMessage(name) }));

/** Two schedules whose EventBridge Scheduler entries would have the same names. */
const schedulerNameIssues = (schedules: Record<string, unknown>): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  const first = new Map<string, string>();
  for (const name of Object.keys(schedules)) {
    const text = schedulerNameText(name);
    const other = first.get(text);
    if (other === undefined) first.set(text, name);
    else {
      issues.push({
        path: formatPath(['schedules', name]),
        message: `makes the same EventBridge Scheduler entry names as ${formatPath(['schedules', other])} (${show(`${text}-…`)})`,
      });
    }
  }
  return issues;
};

/** What an entry starts and stops, keyed by provider and project; undefined for an unknown provider. */
const physicalModelOf = (
  entry: Record<string, unknown>,
  kinds: readonly ModelKind[],
): (PhysicalModel & { hosting: string }) | undefined => {
  const kind = kinds.find((candidate) => candidate.provider === entry.provider);
  const physical = kind?.physicalModel(entry);
  return kind && physical ? { ...physical, hosting: `${kind.provider}\n${physical.project}` } : undefined;
};

/**
 * Two entries for one physical model: one entry's stop would stop the model the other still uses.
 * Refused, as is a floating version ("latest") beside any other version of the same project.
 */
const sharedModelIssues = (models: readonly unknown[], kinds: readonly ModelKind[]): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  const seen: { index: number; id: unknown; physical: PhysicalModel & { hosting: string } }[] = [];
  models.forEach((model, index) => {
    const physical = isRecord(model) ? physicalModelOf(model, kinds) : undefined;
    if (!physical || !isRecord(model)) return;
    const clash = seen.find(
      (other) =>
        other.physical.hosting === physical.hosting &&
        (other.physical.version === physical.version || other.physical.floating || physical.floating),
    );
    if (clash) {
      const other = `${formatPath(['models', clash.index])} (${String(clash.id)})`;
      issues.push({
        path: formatPath(['models', index, physical.field]),
        message:
          clash.physical.version === physical.version
            ? `${physical.project} version ${show(physical.version)} is also ${other}: one model, one entry`
            : `${show(physical.version)} may be the same model as ${show(clash.physical.version)} of ${other} in ` +
              `${physical.project} ("latest" is whichever version is newest when the scheduler calls): name the version`,
      });
    }
    seen.push({ index, id: model.id, physical });
  });
  return issues;
};

const pathOrder = (issue: ConfigIssue): string => issue.path;

/**
 * Validates an already parsed document (YAML, or an item read back from the config table).
 * Throws {@link ValidationError} naming `source` and every bad field.
 *
 * @param rules - from {@link configRulesFor}: the kinds of model the file may hold
 */
export const validateConfig = <M extends Model>(
  raw: unknown,
  source: string,
  rules: ConfigRules<M>,
): SchedulerConfig<M> => {
  const parsed = rules.schema.safeParse(raw);
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => issuesOfZod(issue, raw, rules.kinds))),
    ...crossFieldIssues(raw, rules.kinds),
  ];
  if (issues.length > 0 || !parsed.success) {
    // Stable order (document order is lost in zod's issue list) and no repeats.
    const unique = [...new Map(issues.map((issue) => [`${issue.path}\n${issue.message}`, issue])).values()];
    unique.sort((a, b) => (pathOrder(a) < pathOrder(b) ? -1 : pathOrder(a) > pathOrder(b) ? 1 : 0));
    throw new ValidationError(source, unique);
  }
  return parsed.data;
};

/**
 * Reads shifts.yml text into a validated configuration.
 *
 * @param text - the file's content
 * @param source - the name shown in messages, usually the file path
 * @param rules - from {@link configRulesFor}: the kinds of model the file may hold
 * @throws ValidationError with every problem, YAML syntax included, each naming its field path
 */
export const parseConfigText = <M extends Model>(
  text: string,
  source: string,
  rules: ConfigRules<M>,
): SchedulerConfig<M> => {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ValidationError(
      source,
      document.errors.map((error) => ({
        path: '',
        message: `not valid YAML: ${error.message.split('\n')[0] ?? error.message}`,
      })),
    );
  }
  const expansion = aliasExpansionIssue(document);
  if (expansion) throw new ValidationError(source, [expansion]);
  // The expansion is bounded above, so the library's own count of alias uses (which refuses a
  // legitimate file that uses one anchor a hundred times) is not needed.
  return validateConfig(document.toJS({ maxAliasCount: -1 }), source, rules);
};

/**
 * Counts the nodes of `document` as if every alias were replaced by a copy of its anchor, without
 * expanding anything (each node's size is computed once). Refuses more than
 * {@link MAX_EXPANDED_NODES}, an alias to no anchor and an alias inside its own anchor.
 */
const aliasExpansionIssue = (document: Document): ConfigIssue | undefined => {
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let problem: string | undefined;
  const sizeOf = (node: unknown): number => {
    if (problem !== undefined) return 0;
    if (isPair(node)) return sizeOf(node.key) + sizeOf(node.value);
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (!target) {
        problem = `*${node.source} refers to no anchor &${node.source} before it`;
        return 0;
      }
      if (open.has(target)) {
        problem = `*${node.source} refers to itself (it is inside &${node.source})`;
        return 0;
      }
      return sizeOf(target);
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let size = 1;
    for (const item of node.items) {
      // Capped so that an exponential size stays a small number.
      size = Math.min(size + sizeOf(item), MAX_EXPANDED_NODES + 1);
    }
    open.delete(node);
    sizes.set(node, size);
    return size;
  };
  const total = sizeOf(document.contents);
  if (problem !== undefined) return { path: '', message: `not valid YAML: ${problem}` };
  if (total > MAX_EXPANDED_NODES) {
    return {
      path: '',
      message: `its aliases expand to more than ${MAX_EXPANDED_NODES} nodes; write the values out or use fewer nested aliases`,
    };
  }
  return undefined;
};

/** A model with everything it inherits resolved: the values the engine works with. */
export interface ResolvedModel {
  model: Model;
  scheduleName: string;
  schedule: Schedule;
  timezone: string;
  /** A fixed lead in minutes, or `auto`: learned per run (lead.ts), from the recorded starts the caller passes. */
  leadMinutes: number | 'auto';
  /** The fraction of shift minutes an `auto` lead keeps hosted. */
  coverageTarget: number;
  /** The longest lead an `auto` lead may take. */
  maxLeadMinutes: number;
  /**
   * The lead that decides whether windows run on as one (a gap shorter than it is bridged): the
   * fixed lead, or `maxLeadMinutes` for `auto`. A learned lead moves as starts are recorded; this
   * one does not, so which windows share a run, and so every run id, stays put while it learns.
   */
  chainLeadMinutes: number;
  pricePerInferenceUnitHour: number;
  monthlyBudget?: MonthlyBudget;
  unitChange: UnitChange;
  /** Closed local dates of the schedule's calendar (ranges kept as ranges). */
  closedDates: ClosedDates;
}

const NO_CLOSED_DATES = new ClosedDates([]);

// Built once per calendar object: a validated configuration never changes, and a reconcile pass
// resolves every model several times. Keyed weakly, so a dropped configuration takes its dates along.
const closedDatesByCalendar = new WeakMap<Calendar, ClosedDates>();
const closedDatesOf = (calendar: Calendar | undefined): ClosedDates => {
  if (!calendar) return NO_CLOSED_DATES;
  let dates = closedDatesByCalendar.get(calendar);
  if (dates === undefined) {
    dates = new ClosedDates(calendar.closed);
    closedDatesByCalendar.set(calendar, dates);
  }
  return dates;
};

/**
 * The effective settings of a model: its schedule, time zone (schedule, else defaults), price
 * (model, else defaults), lead settings and budget (model, else schedule, else defaults).
 *
 * @throws UsageError when the config has no model `id`
 */
export const resolvedModel = (config: SchedulerConfig, id: string): ResolvedModel => {
  const model = config.models.find((candidate) => candidate.id === id);
  if (!model) {
    throw new UsageError(
      `unknown model ${JSON.stringify(id)} (models: ${config.models.map((m) => m.id).join(', ') || 'none'})`,
    );
  }
  const schedule = config.schedules[model.schedule];
  const timezone = schedule?.timezone ?? config.defaults.timezone;
  // validateConfig guarantees both; a hand-built config that breaks them is a programming error.
  if (!schedule || !timezone)
    throw new Error(`model ${id}: schedule or time zone missing from a validated config`);
  const monthlyBudget = model.monthlyBudget ?? schedule.monthlyBudget ?? config.defaults.monthlyBudget;
  const leadMinutes = model.leadMinutes ?? schedule.leadMinutes ?? config.defaults.leadMinutes;
  const maxLeadMinutes =
    model.maxLeadMinutes ??
    schedule.maxLeadMinutes ??
    config.defaults.maxLeadMinutes ??
    DEFAULT_MAX_LEAD_MINUTES;
  return {
    model,
    scheduleName: model.schedule,
    schedule,
    timezone,
    leadMinutes,
    coverageTarget:
      model.coverageTarget ??
      schedule.coverageTarget ??
      config.defaults.coverageTarget ??
      DEFAULT_COVERAGE_TARGET,
    maxLeadMinutes,
    chainLeadMinutes: leadMinutes === 'auto' ? maxLeadMinutes : leadMinutes,
    pricePerInferenceUnitHour: model.pricePerInferenceUnitHour ?? config.defaults.pricePerInferenceUnitHour,
    ...(monthlyBudget ? { monthlyBudget } : {}),
    unitChange: schedule.unitChange,
    closedDates: closedDatesOf(
      schedule.calendar === undefined ? undefined : config.calendars[schedule.calendar],
    ),
  };
};

/** The time zone of a schedule (its own, else the defaults'). */
export const scheduleTimeZone = (config: SchedulerConfig, scheduleName: string): string => {
  const timezone = config.schedules[scheduleName]?.timezone ?? config.defaults.timezone;
  if (!timezone) throw new Error(`schedule ${scheduleName}: no time zone in a validated config`);
  return timezone;
};
