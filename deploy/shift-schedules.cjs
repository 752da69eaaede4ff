'use strict';

/**
 * Derives the deployment's shift-dependent parts from shifts.yml, so the shifts are written once.
 *
 * shifts.yml is the one place that says when which model runs: `shiftctl apply` writes it to the
 * config table for the Lambdas, and serverless.yml takes from it, through this file,
 *  - `shiftEdgeEvents`: one EventBridge Scheduler schedule per start or stop edge of every schedule
 *    that a model uses (`schedulerEntries` of the schedule engine), in the schedule's IANA time zone,
 *    with the scheduled minute passed in the input as `<aws.scheduler.scheduled-time>`;
 *  - `hostingStatements`: the IAM statements that let the Lambdas start, stop and observe exactly the
 *    models of the file, per provider, so no statement needs `Resource: "*"`: for Lookout for
 *    Vision models StartModel/StopModel/DescribeModel on their model ARNs and ListModels on their
 *    project ARNs; for Rekognition Custom Labels models StartProjectVersion/StopProjectVersion on
 *    `<project ARN without its timestamp>/version/<versionName>/*` (the version's own timestamp is
 *    the only wildcard) and DescribeProjectVersions on the exact project ARN. A provider without
 *    models gets no statement (an IAM statement without resources is invalid); a file without any
 *    model fails packaging.
 * Writing them by hand in serverless.yml would be a second copy that drifts from the file.
 *
 * Referenced as `${file(./deploy/shift-schedules.cjs):<property>}`: osls and the Serverless
 * Framework call the exported function with `{ options, resolveVariable }` once per referenced
 * property and take that property of the result. The shifts file is, in this order:
 *  - `--param="shifts=PATH"` (the frameworks reject unknown options such as `--shifts`),
 *  - the `SHIFTS_FILE` environment variable,
 *  - `shifts.yml` next to serverless.yml;
 * a relative path is resolved against the service directory. An invalid file fails packaging with
 * the validation message, which names the file and the field.
 *
 * The frameworks resolve variables inside a value a source returns, so every value here is plain
 * data: ARNs are `Fn::Join`s over `Ref`s (never `${AWS::…}` strings for `Fn::Sub`) and a returned
 * string that contains `${` is refused rather than handed to the variable resolver.
 */

const { createHash } = require('node:crypto');
const { readFile } = require('node:fs/promises');
const path = require('node:path');

const SERVICE_DIR = path.resolve(__dirname, '..');
const DEFAULT_SHIFTS_FILE = 'shifts.yml';

/** EventBridge Scheduler: a schedule name is 1–64 characters of `[0-9a-zA-Z-_.]`. */
const NAME_LIMIT = 64;
const NAME_HASH_LENGTH = 8;
/** EventBridge Scheduler: a schedule description is at most 512 characters. */
const DESCRIPTION_LIMIT = 512;
/** The Lookout for Vision project-name pattern; it also keeps `*` and `/` out of the ARNs. */
const PROJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
/**
 * A Rekognition Custom Labels project ARN: `arn:PARTITION:rekognition:REGION:ACCOUNT:project/NAME/TIMESTAMP`.
 * The name pattern is the service's; it keeps `*`, `?` and `/` out of the granted ARNs.
 */
const REKOGNITION_PROJECT_ARN =
  /^(arn:aws(?:-[a-z]+)*:rekognition:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:project\/[a-zA-Z0-9_.-]{1,255})\/\d+$/;
/** A Rekognition Custom Labels version name, as the service allows it. */
const REKOGNITION_VERSION_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/** The context attribute EventBridge Scheduler replaces with the scheduled instant (ISO 8601, UTC). */
const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/**
 * A packaging failure whose message is the whole report. The frameworks print `error.stack` of
 * what a source function throws; a stack trace here would only bury the field path.
 */
class ShiftSchedulesError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShiftSchedulesError';
    this.stack = message;
  }
}

/** The `shifts` entry of `--param` (a string, or a list when given more than once). */
const shiftsParam = (options) => {
  const params = options.param == null ? [] : [].concat(options.param);
  let found;
  for (const param of params) {
    const match = /^shifts=(.*)$/s.exec(String(param));
    if (match) found = match[1];
  }
  return found;
};

const shiftsFilePath = (options, env) => {
  const given = shiftsParam(options) || env.SHIFTS_FILE || DEFAULT_SHIFTS_FILE;
  return path.resolve(SERVICE_DIR, given);
};

/** The name shown in messages: relative to the service directory when the file is inside it. */
const displayName = (file) => {
  const relative = path.relative(SERVICE_DIR, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
};

const readShifts = async (file) => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ShiftSchedulesError(
      `${displayName(file)}: cannot read the shifts file (${error.code || error.message}); ` +
        'give another with --param="shifts=PATH" or SHIFTS_FILE',
    );
  }
};

const shortHash = (text) => createHash('sha256').update(text).digest('hex').slice(0, NAME_HASH_LENGTH);

/**
 * `${service}-${stage}-${entry}` (unique per account and region, readable in the console), with
 * characters the scheduler refuses replaced; a longer name keeps its start and ends with a hash of
 * the whole, so two long names stay distinct.
 */
const scheduleName = (service, stage, entryName) => {
  const full = `${service}-${stage}-${entryName}`.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  if (full.length <= NAME_LIMIT) return full;
  return `${full.slice(0, NAME_LIMIT - NAME_HASH_LENGTH - 1)}-${shortHash(full)}`;
};

const describeEntry = (entry) => {
  const lead =
    entry.kind === 'start' && entry.leadMinutes ? `, ${entry.leadMinutes} min before the shift` : '';
  const text =
    `${entry.kind} ${entry.schedule} (${entry.shifts.join(', ')}) at ${entry.localTime} ` +
    `${entry.days.join(',')} ${entry.timezone}${lead}; models: ${entry.models.join(', ')}`;
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
};

const shiftEdgeEvent = (service, stage, entry) => ({
  schedule: {
    method: 'scheduler',
    name: scheduleName(service, stage, entry.name),
    description: describeEntry(entry),
    rate: [entry.expression],
    timezone: entry.timezone,
    // The shape of shiftEdgeEventSchema in src/app/shift-edge.ts.
    input: {
      schedule: entry.schedule,
      edge: entry.kind,
      shifts: entry.shifts,
      scheduledTime: SCHEDULED_TIME,
    },
  },
});

/** `arn:PARTITION:lookoutvision:REGION:ACCOUNT:<resource>` of the stack's partition, region and account. */
const lookoutVisionArn = (resource) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':lookoutvision:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});

/**
 * The Lookout for Vision statements: model ARNs for start, stop and describe, project ARNs for list.
 * `latest` is resolved by the service at call time, so such a model is granted as every version of
 * its project (still one project). None without Lookout for Vision models.
 */
const lookoutVisionStatements = (config, source, issues) => {
  const models = new Set();
  const projects = new Set();
  config.models.forEach((model, index) => {
    if (model.provider !== 'lookoutvision') return;
    if (!PROJECT_NAME.test(model.projectName)) {
      issues.push(
        `${source}: models[${index}].projectName: ${JSON.stringify(model.projectName)} is not a ` +
          'Lookout for Vision project name (letters, digits, "-" and "_", starting with a letter or digit)',
      );
      return;
    }
    const version = model.modelVersion === 'latest' ? '*' : model.modelVersion;
    models.add(`model/${model.projectName}/${version}`);
    projects.add(`project/${model.projectName}`);
  });
  if (models.size === 0) return [];
  const sorted = (set) => [...set].sort().map(lookoutVisionArn);
  return [
    {
      Effect: 'Allow',
      Action: ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
      Resource: sorted(models),
    },
    { Effect: 'Allow', Action: ['lookoutvision:ListModels'], Resource: sorted(projects) },
  ];
};

/**
 * The Rekognition Custom Labels statements: start and stop on the versions (any creation timestamp
 * of the named version), describe on the exact projects. None without Rekognition models. The ARNs
 * are the configured ones, so they name their own partition, region and account.
 */
const rekognitionStatements = (config, source, issues) => {
  const versions = new Set();
  const projects = new Set();
  config.models.forEach((model, index) => {
    if (model.provider !== 'rekognition') return;
    const match = REKOGNITION_PROJECT_ARN.exec(model.projectArn);
    if (!match) {
      issues.push(
        `${source}: models[${index}].projectArn: ${JSON.stringify(model.projectArn)} is not a ` +
          'Rekognition Custom Labels project ARN (arn:aws:rekognition:REGION:ACCOUNT:project/NAME/TIMESTAMP, ' +
          'NAME of letters, digits, "-", "_" and ".")',
      );
      return;
    }
    if (!REKOGNITION_VERSION_NAME.test(model.versionName)) {
      issues.push(
        `${source}: models[${index}].versionName: ${JSON.stringify(model.versionName)} is not a ` +
          'Rekognition Custom Labels version name (1–255 letters, digits, "-", "_" and ".")',
      );
      return;
    }
    versions.add(`${match[1]}/version/${model.versionName}/*`);
    projects.add(model.projectArn);
  });
  if (versions.size === 0) return [];
  return [
    {
      Effect: 'Allow',
      Action: ['rekognition:StartProjectVersion', 'rekognition:StopProjectVersion'],
      Resource: [...versions].sort(),
    },
    { Effect: 'Allow', Action: ['rekognition:DescribeProjectVersions'], Resource: [...projects].sort() },
  ];
};

/** Every provider's statements; fails when a model cannot be granted exactly, or there is no model. */
const hostingStatements = (config, source) => {
  const issues = [];
  const statements = [
    ...lookoutVisionStatements(config, source, issues),
    ...rekognitionStatements(config, source, issues),
  ];
  if (issues.length > 0) throw new ShiftSchedulesError(issues.join('\n'));
  if (statements.length === 0) {
    throw new ShiftSchedulesError(
      `${source}: models: no model, so there is nothing for the functions to start or stop`,
    );
  }
  return statements;
};

/** Refuses any string the variable resolver would read as a variable (`${…}`). */
const assertPlain = (value, where, source) => {
  if (typeof value === 'string') {
    if (value.includes('${')) {
      throw new ShiftSchedulesError(
        `${source}: ${JSON.stringify(value)} (generated for ${where}) contains "\${", which the ` +
          'framework would read as a variable: rename what holds it',
      );
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) assertPlain(item, `${where}[${index}]`, source);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = where ? `${where}.${key}` : key;
      assertPlain(key, at, source);
      assertPlain(item, at, source);
    }
  }
  return value;
};

/**
 * The schedule engine (TypeScript, ESM) through tsx. tsx's ESM build is loaded with `import()`:
 * its CommonJS build (`require('tsx/esm/api')`, tsx 4.23) registers its loader from a path that does
 * not exist (dist/esm/api/esm/index.mjs) and fails.
 */
const loadEngine = async () => {
  const { tsImport } = await import('tsx/esm/api');
  return tsImport('../src/schedule/index.ts', __filename);
};

const build = async (file, service, stage) => {
  const { parseConfigText, schedulerEntries } = await loadEngine();
  const source = displayName(file);
  let config;
  try {
    config = parseConfigText(await readShifts(file), source);
  } catch (error) {
    // ValidationError's message is already `FILE: PATH: what is wrong`, one line per field.
    if (error instanceof ShiftSchedulesError || error.name === 'ValidationError') {
      throw new ShiftSchedulesError(error.message);
    }
    throw error;
  }
  const result = {
    shiftsFile: source,
    shiftEdgeEvents: schedulerEntries(config).map((entry) => shiftEdgeEvent(service, stage, entry)),
    hostingStatements: hostingStatements(config, source),
  };
  return assertPlain(result, '', source);
};

/** One build per file, service and stage: the frameworks call this once per referenced property. */
const builds = new Map();

module.exports = async ({ options, resolveVariable }) => {
  const file = shiftsFilePath(options || {}, process.env);
  const [service, stage] = await Promise.all([resolveVariable('self:service'), resolveVariable('sls:stage')]);
  const key = JSON.stringify([file, service, stage]);
  if (!builds.has(key)) builds.set(key, build(file, service, stage));
  return builds.get(key);
};
