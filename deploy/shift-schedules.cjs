'use strict';

/**
 * Derives the deployment's shift-dependent parts from shifts.yml, so the shifts are written once.
 *
 * shifts.yml is the one place that says when which model runs: `shiftctl apply` writes it to the
 * config table for the Lambdas, and serverless.yml takes from it, through this file, `resources`:
 *  - one `AWS::Scheduler::Schedule` per start or stop edge of every schedule that a model uses
 *    (`schedulerEntries` of the schedule engine), in the schedule's IANA time zone, in the stage's
 *    schedule group (deploy/shift-edge-scheduler.yml), with the scheduled minute passed in the input
 *    as `<aws.scheduler.scheduled-time>`. Each logical id is derived from the schedule's name alone,
 *    so a name keeps its logical id whatever edges are added or removed around it: CloudFormation
 *    never creates a schedule under a name that another logical id still holds;
 *  - the hosting permissions as customer managed policies on the functions' role (their ids are
 *    `hostingPolicyIds`, which the functions depend on): the exact statements each registered
 *    provider states for its models of the file (`iamGrants` in src/providers/<id>/iam.ts), in
 *    registry order. A provider without models gets no statement (an IAM statement without
 *    resources is invalid); a file without any model fails packaging;
 *  - the same grants cut down to their Describe and List actions, on the same resources, as managed
 *    policies on no role (`OperatorHostingReadPolicy1`…, ARNs as outputs): what `shiftctl status` and
 *    `doctor` need besides the operator policy (deploy/operator-policy.yml).
 * Writing them by hand in serverless.yml would be a second copy that drifts from the file.
 *
 * IAM limits a managed policy to 6,144 characters, and the exact grants of a large fleet are more:
 * they are spread over up to {@link HOSTING_POLICY_LIMIT} policies. When even those cannot hold them,
 * the project whose exact grants take the most room is granted as a whole (every version of it, as
 * the provider states it), then the next, until they fit; a fleet that does not fit even so fails
 * packaging.
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

/** EventBridge Scheduler: a schedule description is at most 512 characters. */
const DESCRIPTION_LIMIT = 512;
/** Keeps logical ids of names that differ only outside `[A-Za-z0-9]` apart (`line-a`, `line_a`). */
const LOGICAL_ID_HASH_LENGTH = 8;

/** The context attribute EventBridge Scheduler replaces with the scheduled instant (ISO 8601, UTC). */
const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';
/**
 * A shift edge more than 4 minutes late is skipped by the function (eventToleranceMs in
 * src/app/reconcile.ts) and covered by the tick, so a delivery is not retried beyond that age.
 * Within it, a failed delivery (the function throttled, a service error) is retried with backoff;
 * what still fails goes to the failure queue.
 */
const EDGE_RETRY_POLICY = { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 240 };
const FAILURE_QUEUE_ARN = { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] };

/** IAM: a customer managed policy holds at most 6,144 characters, white space not counted. */
const MANAGED_POLICY_SIZE_LIMIT = 6144;
/**
 * Half of IAM's default quota of 10 managed policies per role, leaving room for the framework's
 * (VPC access) and the operator's own.
 */
const HOSTING_POLICY_LIMIT = 5;
/**
 * Values as long as CloudFormation can fill in for the pseudo parameters (partition `aws-us-gov`,
 * region names up to 15 characters), so a measured policy fits in every partition and region.
 */
const LONGEST_PSEUDO = {
  'AWS::Partition': 'x'.repeat(10),
  'AWS::Region': 'x'.repeat(16),
  'AWS::AccountId': 'x'.repeat(12),
};

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

const shortHash = (text, length) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * `ShiftEdge` + the name's letters and digits (each run capitalised, for reading) + a hash of the
 * whole name: a function of the name alone, and distinct for distinct names.
 */
const scheduleLogicalId = (name) => {
  const readable = name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `ShiftEdge${readable}${shortHash(name, LOGICAL_ID_HASH_LENGTH)}`;
};

const describeEntry = (entry) => {
  const lead =
    entry.kind === 'start' && entry.leadMinutes ? `, ${entry.leadMinutes} min before the shift` : '';
  const text =
    `${entry.kind} ${entry.schedule} (${entry.shifts.join(', ')}) at ${entry.localTime} ` +
    `${entry.days.join(',')} ${entry.timezone}${lead}; models: ${entry.models.join(', ')}`;
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
};

const shiftEdgeSchedule = (entry) => ({
  Type: 'AWS::Scheduler::Schedule',
  Properties: {
    Name: entry.name,
    GroupName: { Ref: 'ShiftEdgeScheduleGroup' },
    Description: describeEntry(entry),
    ScheduleExpression: entry.expression,
    ScheduleExpressionTimezone: entry.timezone,
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Target: {
      Arn: { 'Fn::GetAtt': ['ShiftEdgeLambdaFunction', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['ShiftEdgeSchedulerRole', 'Arn'] },
      // The shape of shiftEdgeEventSchema in src/app/shift-edge.ts.
      Input: JSON.stringify({
        schedule: entry.schedule,
        edge: entry.kind,
        shifts: entry.shifts,
        scheduledTime: SCHEDULED_TIME,
      }),
      RetryPolicy: EDGE_RETRY_POLICY,
      DeadLetterConfig: { Arn: FAILURE_QUEUE_ARN },
    },
  },
});

/**
 * The schedules keyed by logical id. The schema gives every schedule its own entry names; a clash
 * here would silently drop an edge, so it stops packaging instead.
 */
const shiftEdgeSchedules = (entries, source) => {
  const schedules = {};
  for (const entry of entries) {
    const id = scheduleLogicalId(entry.name);
    if (schedules[id]) {
      throw new ShiftSchedulesError(
        `${source}: schedules.${entry.schedule}: its edge ${JSON.stringify(entry.name)} would replace ` +
          `the schedule ${JSON.stringify(schedules[id].Properties.Name)}; rename the schedule`,
      );
    }
    schedules[id] = shiftEdgeSchedule(entry);
  }
  return schedules;
};

/**
 * The providers' statements as packaging tracks them: a statement granted per project keeps, per
 * project, its exact resources and the one that covers the whole project, and whether packaging has
 * `widened` it to the whole; a fixed statement keeps its resources as they are.
 */
const grantKinds = (grants) =>
  grants.map((grant) =>
    grant.fixed
      ? { actions: grant.actions, fixed: grant.fixed }
      : {
          actions: grant.actions,
          projects: grant.projects.map((project) => ({ ...project, widened: false })),
        },
  );

/** The resources a kind grants now, sorted by key, each with its longest resolved length in the policy. */
const kindResources = (kind) => {
  const byKey = new Map();
  if (kind.fixed) for (const grant of kind.fixed) byKey.set(grant.key, grant);
  else {
    for (const project of kind.projects) {
      if (project.widened) byKey.set(project.whole.key, project.whole);
      else for (const grant of project.exact) byKey.set(grant.key, grant);
    }
  }
  return [...byKey.keys()].sort().map((key) => {
    const { resource } = byKey.get(key);
    return { resource, size: resourceSize(resource) };
  });
};

const resourceSize = (resource) => JSON.stringify(longestResolved(resource)).length;

/** `node` with every pseudo parameter replaced by its longest value. */
const longestResolved = (node) => {
  if (Array.isArray(node)) return node.map(longestResolved);
  if (!node || typeof node !== 'object') return node;
  if (node.Ref !== undefined) return LONGEST_PSEUDO[node.Ref] ?? node.Ref;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'];
    return parts.map(longestResolved).join(separator);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, longestResolved(value)]));
};

const policySize = (statements) =>
  JSON.stringify(longestResolved({ Version: '2012-10-17', Statement: statements })).length;

/**
 * Statements in policies of at most {@link MANAGED_POLICY_SIZE_LIMIT} characters, in order: a
 * statement that does not fit is continued in the next policy. Undefined when more than
 * {@link HOSTING_POLICY_LIMIT} policies are needed.
 */
const packStatements = (statements) => {
  const empty = policySize([]);
  let policy = [];
  let size = empty;
  const policies = [policy];
  for (const { actions, resources } of statements) {
    // A new statement costs its frame and a comma, a resource its text and a comma.
    const frame = policySize([{ Effect: 'Allow', Action: actions, Resource: [] }]) - empty + 1;
    let current;
    for (const { resource, size: resourceSize } of resources) {
      if (size + (current ? 0 : frame) + resourceSize + 1 > MANAGED_POLICY_SIZE_LIMIT) {
        if (policies.length === HOSTING_POLICY_LIMIT) return undefined;
        policy = [];
        policies.push(policy);
        size = empty;
        current = undefined;
      }
      if (!current) {
        current = { Effect: 'Allow', Action: actions, Resource: [] };
        policy.push(current);
        size += frame;
      }
      current.Resource.push(resource);
      size += resourceSize + 1;
    }
  }
  return policies;
};

/**
 * Every provider's statements (`grants`, from the registry), spread over as few policies as fit;
 * widens projects only when needed.
 */
const hostingPolicies = (config, source, grants) => {
  const kinds = grantKinds(grants);
  if (kinds.length === 0) {
    throw new ShiftSchedulesError(
      `${source}: models: no model, so there is nothing for the functions to start or stop`,
    );
  }
  for (;;) {
    const statements = kinds
      .map((kind) => ({ actions: kind.actions, resources: kindResources(kind) }))
      .filter(({ resources }) => resources.length > 0);
    const policies = packStatements(statements);
    if (policies) return policies;
    // The project whose versions take the most room beyond one grant for the whole of it.
    let widest;
    for (const kind of kinds) {
      for (const grants of kind.projects ?? []) {
        if (grants.widened || grants.exact.length < 2) continue;
        const exact = grants.exact.reduce((sum, grant) => sum + resourceSize(grant.resource), 0);
        const saving = exact - resourceSize(grants.whole.resource);
        if (!widest || saving > widest.saving) widest = { grants, saving };
      }
    }
    if (!widest) {
      throw new ShiftSchedulesError(
        `${source}: models: the ${config.models.length} models need more than ${HOSTING_POLICY_LIMIT} IAM ` +
          `policies of ${MANAGED_POLICY_SIZE_LIMIT} characters even when granted per project; ` +
          'split them over several shifts files and stages',
      );
    }
    widest.grants.widened = true;
  }
};

/** The managed policies on the functions' role, `HostingPolicy1`… in order. */
const hostingPolicyResources = (policies) =>
  Object.fromEntries(
    policies.map((statements, index) => [
      `HostingPolicy${index + 1}`,
      {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          Description: 'Start, stop and observe the models of the shifts file',
          Roles: [{ Ref: 'IamRoleLambdaExecution' }],
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      },
    ]),
  );

/** Whether an action only reads: what `shiftctl status` and `doctor` send to the hosting services. */
const isReadAction = (action) => /^[a-z0-9-]+:(Describe|List)[A-Za-z]*$/.test(action);

/** The grants cut down to their read actions, each on the same resources: never wider than the functions'. */
const readGrantsOf = (grants) =>
  grants
    .map((grant) => ({ ...grant, actions: grant.actions.filter(isReadAction) }))
    .filter((grant) => grant.actions.length > 0);

/**
 * The operators' hosting policies, `OperatorHostingReadPolicy1`… in order: attached to no role, for
 * people who run `shiftctl status` or `doctor` next to the operator policy; their ARNs are outputs.
 */
const operatorHostingPolicyResources = (policies) => {
  const ids = policies.map((_, index) => `OperatorHostingReadPolicy${index + 1}`);
  return {
    Resources: Object.fromEntries(
      policies.map((statements, index) => [
        ids[index],
        {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            Description: 'shiftctl status and doctor: observe the models of the shifts file (read only)',
            PolicyDocument: { Version: '2012-10-17', Statement: statements },
          },
        },
      ]),
    ),
    Outputs: Object.fromEntries(
      ids.map((id) => [`${id}Arn`, { Description: `${id} for shiftctl operators`, Value: { Ref: id } }]),
    ),
  };
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
 * The schedule engine and the provider registry (TypeScript, ESM) through tsx. tsx's ESM build is
 * loaded with `import()`: its CommonJS build (`require('tsx/esm/api')`, tsx 4.23) registers its
 * loader from a path that does not exist (dist/esm/api/esm/index.mjs) and fails.
 */
const loadEngine = async () => {
  const { tsImport } = await import('tsx/esm/api');
  const [{ schedulerEntries }, { parseShiftsText }, { iamGrantsOf }] = await Promise.all([
    tsImport('../src/schedule/eventbridge.ts', __filename),
    tsImport('../src/providers/config.ts', __filename),
    tsImport('../src/providers/registry.ts', __filename),
  ]);
  return { schedulerEntries, parseShiftsText, iamGrantsOf };
};

const build = async (file) => {
  const { parseShiftsText, schedulerEntries, iamGrantsOf } = await loadEngine();
  const source = displayName(file);
  let config;
  try {
    config = parseShiftsText(await readShifts(file), source);
  } catch (error) {
    // ValidationError's message is already `FILE: PATH: what is wrong`, one line per field.
    if (error instanceof ShiftSchedulesError || error.name === 'ValidationError') {
      throw new ShiftSchedulesError(error.message);
    }
    throw error;
  }
  const grants = iamGrantsOf(config);
  const policies = hostingPolicyResources(hostingPolicies(config, source, grants));
  const operator = operatorHostingPolicyResources(hostingPolicies(config, source, readGrantsOf(grants)));
  const result = {
    shiftsFile: source,
    resources: {
      Resources: {
        ...shiftEdgeSchedules(schedulerEntries(config), source),
        ...policies,
        ...operator.Resources,
      },
      Outputs: operator.Outputs,
    },
    hostingPolicyIds: Object.keys(policies),
  };
  return assertPlain(result, '', source);
};

/** One build per file: the frameworks call this once per referenced property. */
const builds = new Map();

module.exports = async ({ options }) => {
  const file = shiftsFilePath(options || {}, process.env);
  if (!builds.has(file)) builds.set(file, build(file));
  return builds.get(file);
};
