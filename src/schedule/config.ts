import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError, ValidationError } from '../platform/errors.ts';
import { parseDays } from './days.ts';
import { isIanaTimeZone, isIsoDate, minutesOfHhmm } from './zoned.ts';

/**
 * shifts.yml: the schemas (the types come from them) and the one entry point that reads a file's
 * text into a validated {@link SchedulerConfig}. Shape and field rules live in the zod schemas; rules
 * that relate fields (references, duplicates, end vs start, min vs max) live in
 * {@link crossFieldIssues}, which runs on the raw document even when the shape is wrong, so a file
 * with several mistakes gets all of them reported at once.
 */

/** A rejected field: `path` as written to the user (`schedules.x.shifts[0].start`) and what is wrong. */
export interface ConfigIssue {
  path: string;
  message: string;
}

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
};

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MODEL_VERSION = /^([1-9][0-9]*|latest)$/;
const REKOGNITION_PROJECT_ARN = /^arn:aws[a-z-]*:rekognition:[a-z0-9-]+:\d{12}:project\/[^/]+\/\d+$/;

const hhmm = z.string().refine((text) => minutesOfHhmm(text) !== undefined, {
  error: (issue) => `${show(issue.input)} is not HH:MM`,
});

const timeZone = z.string().refine(isIanaTimeZone, {
  error: (issue) => `${show(issue.input)} is not an IANA time zone (e.g. "Europe/Berlin")`,
});

const unitsMessage = (issue: { input?: unknown }): string =>
  issue.input === undefined ? 'required' : `${show(issue.input)} is not a whole number of at least 1`;
const inferenceUnits = z
  .number({ error: unitsMessage })
  .int({ error: unitsMessage })
  .min(1, { error: unitsMessage });

const leadMinutes = z
  .number()
  .int({ error: (issue) => `${show(issue.input)} is not a whole number of minutes` })
  .min(0, { error: (issue) => `${show(issue.input)} is negative` });

const price = z.number().min(0, { error: (issue) => `${show(issue.input)} is negative` });

const positive = z.number().positive({ error: (issue) => `${show(issue.input)} is not above 0` });

/** A monthly budget, in dollars or in inference-unit hours (exactly one). */
export const monthlyBudgetSchema = z
  .strictObject({ usd: positive.optional(), inferenceUnitHours: positive.optional() })
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
  shifts: z.array(shiftSchema).min(1, { error: 'needs at least one shift' }),
});

const modelCommon = {
  id: z.string().regex(MODEL_ID, {
    error: (issue) => `${show(issue.input)} is not an id (letters, digits, "-", "_", "."; at most 64)`,
  }),
  schedule: z.string(),
  leadMinutes: leadMinutes.optional(),
  pricePerInferenceUnitHour: price.optional(),
  monthlyBudget: monthlyBudgetSchema.optional(),
};

const LOOKOUT_FIELDS = ['projectName', 'modelVersion'] as const;
const REKOGNITION_FIELDS = ['projectArn', 'versionName'] as const;

/** A model hosted by Amazon Lookout for Vision. */
export const lookoutVisionModelSchema = z.strictObject({
  ...modelCommon,
  provider: z.literal('lookoutvision'),
  projectName: z.string().min(1, { error: 'must not be empty' }),
  modelVersion: z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `${issue.input} must be quoted: modelVersion is a string such as "3"`
          : unitsOrRequired(issue.input, 'a model version such as "3" or "latest"'),
    })
    .regex(MODEL_VERSION, {
      error: (issue) => `${show(issue.input)} is not a model version ("1", "2", … or "latest")`,
    }),
});

/** A model hosted by Amazon Rekognition Custom Labels. */
export const rekognitionModelSchema = z.strictObject({
  ...modelCommon,
  provider: z.literal('rekognition'),
  projectArn: z.string().regex(REKOGNITION_PROJECT_ARN, {
    error: (issue) =>
      `${show(issue.input)} is not a Rekognition project ARN (arn:aws:rekognition:REGION:ACCOUNT:project/NAME/ID)`,
  }),
  versionName: z.string().min(1, { error: 'must not be empty' }),
});

function unitsOrRequired(input: unknown, what: string): string {
  return input === undefined ? 'required' : `${show(input)} is not ${what}`;
}

/** A hosted model and the schedule it follows. */
export const modelSchema = z.discriminatedUnion('provider', [
  lookoutVisionModelSchema,
  rekognitionModelSchema,
]);

/** Values a model or schedule takes when it does not say otherwise. */
export const defaultsSchema = z.strictObject({
  timezone: timeZone.optional(),
  leadMinutes: leadMinutes.default(0),
  pricePerInferenceUnitHour: price.default(4.0),
  monthlyBudget: monthlyBudgetSchema.optional(),
});

/** The whole of shifts.yml. */
export const configSchema = z.strictObject({
  version: z.literal(1, { error: (issue) => `${show(issue.input)} is not a supported version (1)` }),
  defaults: defaultsSchema.prefault({}),
  calendars: z.record(z.string(), calendarSchema).default({}),
  schedules: z.record(z.string(), scheduleSchema),
  models: z.array(modelSchema),
});

export type SchedulerConfig = z.infer<typeof configSchema>;
export type Defaults = z.infer<typeof defaultsSchema>;
export type Calendar = z.infer<typeof calendarSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type Shift = z.infer<typeof shiftSchema>;
export type Model = z.infer<typeof modelSchema>;
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

/** "required", naming the provider when the field belongs to one kind of model. */
const requiredMessage = (raw: unknown, path: readonly PropertyKey[]): string => {
  const field = path.at(-1);
  const owner = valueAt(raw, path.slice(0, -1));
  const provider = isRecord(owner) ? owner.provider : undefined;
  const specific = [...LOOKOUT_FIELDS, ...REKOGNITION_FIELDS] as readonly PropertyKey[];
  return path[0] === 'models' &&
    path.length === 3 &&
    typeof provider === 'string' &&
    specific.includes(field ?? '')
    ? `required for a ${provider} model`
    : 'required';
};

/** Turns one zod issue into the messages users read; unknown keys become one issue per key. */
const issuesOfZod = (issue: z.core.$ZodIssue, raw: unknown): ConfigIssue[] => {
  const path = issue.path;
  const input = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const owner = valueAt(raw, path);
      const provider = isRecord(owner) ? owner.provider : undefined;
      return issue.keys.map((key) => {
        const foreign =
          provider === 'lookoutvision' && (REKOGNITION_FIELDS as readonly string[]).includes(key)
            ? 'rekognition'
            : provider === 'rekognition' && (LOOKOUT_FIELDS as readonly string[]).includes(key)
              ? 'lookoutvision'
              : undefined;
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
            message: `${show(input)} is not a provider (lookoutvision, rekognition)`,
          },
        ];
      }
      return [{ path: formatPath(path), message: issue.message }];
    case 'invalid_type':
      // Messages from the schemas' own `error` options stay; zod's generic wording is rewritten.
      if (!issue.message.startsWith('Invalid input'))
        return [{ path: formatPath(path), message: issue.message }];
      return [
        {
          path: formatPath(path),
          message:
            input === undefined
              ? requiredMessage(raw, path)
              : `expected ${issue.expected === 'record' ? 'a mapping' : issue.expected === 'array' ? 'a list' : issue.expected}, got ${show(input)}`,
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
const crossFieldIssues = (raw: unknown): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  if (!isRecord(raw)) return issues;
  const defaults = isRecord(raw.defaults) ? raw.defaults : {};
  const calendars = isRecord(raw.calendars) ? raw.calendars : {};
  const schedules = isRecord(raw.schedules) ? raw.schedules : {};

  for (const [name, schedule] of Object.entries(schedules)) {
    if (!isRecord(schedule)) continue;
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
    if (typeof model.id === 'string') {
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
    }
  });
  return issues;
};

const pathOrder = (issue: ConfigIssue): string => issue.path;

/**
 * Validates an already parsed document (YAML, or an item read back from the config table).
 * Throws {@link ValidationError} naming `source` and every bad field.
 */
export const validateConfig = (raw: unknown, source: string): SchedulerConfig => {
  const parsed = configSchema.safeParse(raw);
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => issuesOfZod(issue, raw))),
    ...crossFieldIssues(raw),
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
 * @throws ValidationError with every problem, YAML syntax included, each naming its field path
 */
export const parseConfigText = (text: string, source: string): SchedulerConfig => {
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
  return validateConfig(document.toJS({ maxAliasCount: 100 }), source);
};

/** A model with everything it inherits resolved: the values the engine works with. */
export interface ResolvedModel {
  model: Model;
  scheduleName: string;
  schedule: Schedule;
  timezone: string;
  leadMinutes: number;
  pricePerInferenceUnitHour: number;
  monthlyBudget?: MonthlyBudget;
  unitChange: UnitChange;
  /** Closed local dates of the schedule's calendar, expanded (ranges included). */
  closedDates: ReadonlySet<string>;
}

const closedCache = new WeakMap<Calendar, ReadonlySet<string>>();

const expandClosed = (calendar: Calendar | undefined): ReadonlySet<string> => {
  if (!calendar) return new Set();
  const cached = closedCache.get(calendar);
  if (cached) return cached;
  const dates = new Set<string>();
  for (const entry of calendar.closed) {
    const [first = '', last = first] = entry.split('..');
    // Walk the range day by day on the calendar; Date.UTC is only used as a date counter here.
    for (
      let day = Date.parse(`${first}T00:00:00Z`);
      day <= Date.parse(`${last}T00:00:00Z`);
      day += 86_400_000
    ) {
      dates.add(new Date(day).toISOString().slice(0, 10));
    }
  }
  closedCache.set(calendar, dates);
  return dates;
};

/**
 * The effective settings of a model: its schedule, time zone (schedule, else defaults), lead,
 * price and budget (model, else schedule for the budget, else defaults).
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
  return {
    model,
    scheduleName: model.schedule,
    schedule,
    timezone,
    leadMinutes: model.leadMinutes ?? config.defaults.leadMinutes,
    pricePerInferenceUnitHour: model.pricePerInferenceUnitHour ?? config.defaults.pricePerInferenceUnitHour,
    ...(monthlyBudget ? { monthlyBudget } : {}),
    unitChange: schedule.unitChange,
    closedDates: expandClosed(
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
