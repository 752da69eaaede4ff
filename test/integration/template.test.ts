import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventToleranceMs } from '../../src/app/reconcile.ts';
import { shiftEdgeEventSchema } from '../../src/app/shift-edge.ts';
import { parseShiftsText } from '../../src/providers/config.ts';
import { type SchedulerEntry, schedulerEntries } from '../../src/schedule/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const osls = join(root, 'node_modules', '.bin', 'osls');

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  DependsOn?: string[];
  Properties: Record<string, unknown>;
}

interface Template {
  Resources: Record<string, Resource & { Condition?: string }>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

interface PackageOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `osls package` into `dir`; resolves with its output, rejects with it on a non-zero exit. */
const oslsPackage = (dir: string, { args = [], env = {} }: PackageOptions = {}): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(osls, ['package', '--stage', 'test', '--package', dir, ...args], {
      cwd: root,
      // SHIFTS_FILE unset unless a test sets it: the default package reads the repository's shifts.yml.
      env: {
        ...process.env,
        SHIFTS_FILE: '',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`osls package exited ${code}:\n${output}`)),
    );
  });

/** Packages into `dir` and reads the template the deploy would send. */
const packaged = async (dir: string, options: PackageOptions = {}): Promise<Template> => {
  await oslsPackage(dir, options);
  return JSON.parse(
    await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
};

/** Every IAM statement anywhere in the template: role policies, managed policies, bucket policies. */
const statementsIn = (node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(node)) {
    for (const item of node) statementsIn(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Statement') {
        for (const statement of Array.isArray(value) ? value : [value]) found.push(statement);
      }
      statementsIn(value, found);
    }
  }
  return found;
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * Actions the Service Authorization Reference lists without any resource type: IAM only honours
 * them on `Resource: "*"`.
 */
const ACTIONS_WITHOUT_RESOURCE_TYPE = new Set([
  'lookoutvision:ListModels',
  'sagemaker:ListInferenceComponents',
]);

/** The operators' policies (deploy/operator-policy.yml, deploy/shift-schedules.cjs): attached to no role. */
const isOperatorPolicy = (logicalId: string): boolean => logicalId.startsWith('Operator');

/** The template without the operators' policies: what the functions may do. */
const functionsPart = (packagedTemplate: Template): Template => ({
  ...packagedTemplate,
  Resources: Object.fromEntries(
    Object.entries(packagedTemplate.Resources).filter(([id]) => !isOperatorPolicy(id)),
  ),
});

/** The statements of the managed policies on the functions' role, in template order. */
const hostingStatementsOf = (packagedTemplate: Template): Record<string, unknown>[] =>
  Object.values(packagedTemplate.Resources)
    .filter(
      (resource) =>
        resource.Type === 'AWS::IAM::ManagedPolicy' &&
        JSON.stringify(resource.Properties.Roles ?? []).includes('IamRoleLambdaExecution'),
    )
    .flatMap((resource) => statementsIn(resource.Properties.PolicyDocument));

/** IAM's limits on a role's permissions, in characters without white space. */
const MANAGED_POLICY_LIMIT = 6_144;
const ROLE_INLINE_POLICIES_LIMIT = 10_240;
const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * What CloudFormation fills in, at the longest each can be, so a size measured here holds in every
 * partition and region.
 */
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-2',
  'AWS::AccountId': '123456789012',
};

/** The document as IAM will see it: intrinsic functions replaced by values of the longest length. */
const resolved = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(resolved);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [key, value] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return PSEUDO[String(value)] ?? `${String(value)}-physical-id`;
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    return `arn:aws-us-gov:service:ap-southeast-2:123456789012:${asList(value).join('-')}-physical-id`;
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = value as [string, unknown[]];
    return parts.map(resolved).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Sub') {
    return String(value).replace(
      /\$\{([^}]+)\}/g,
      (_, name: string) => PSEUDO[name] ?? `${name}-physical-id`,
    );
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolved(v)]));
};

/** A policy's size as IAM counts it against its limits: every character but white space. */
const policySize = (document: unknown): number =>
  JSON.stringify(resolved(document)).replace(/\s/g, '').length;

/** Whether an IAM resource pattern (`*` any run of characters, `?` one character) matches `arn`. */
const iamMatches = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  ).test(arn);

/** Whether some Allow statement grants `action` on `arn`, with the stack's values resolved. */
const allows = (statements: Record<string, unknown>[], action: string, arn: string): boolean =>
  statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      asList(statement.Action).includes(action) &&
      asList(resolved(statement.Resource)).some((pattern) => iamMatches(String(pattern), arn)),
  );

/** The IAM actions of the lib-dynamodb commands the stores send; a transaction needs its items' actions. */
const DYNAMODB_COMMAND_ACTIONS: Record<string, readonly string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactWriteCommand: [],
};
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Every IAM action the DynamoDB stores (src/store) need for the requests they build. */
const storeDynamoActions = async (): Promise<Set<string>> => {
  const dir = join(root, 'src', 'store');
  const actions = new Set<string>();
  for (const name of await readdir(dir)) {
    const source = await readFile(join(dir, name), 'utf8');
    for (const [, command = ''] of source.matchAll(/new (\w+Command)\(/g)) {
      const known = DYNAMODB_COMMAND_ACTIONS[command];
      if (!known) throw new Error(`src/store/${name}: ${command} has no IAM actions listed in this test`);
      for (const action of known) actions.add(action);
      if (command === 'TransactWriteCommand') {
        for (const [, item = ''] of source.matchAll(/\b(Put|Update|Delete|ConditionCheck)\s*:/g)) {
          actions.add(TRANSACT_ITEM_ACTIONS[item] ?? '');
        }
      }
    }
  }
  return actions;
};

/** `arn:PARTITION:lookoutvision:REGION:ACCOUNT:<resource>` as deploy/shift-schedules.cjs writes it. */
const lookoutVisionArn = (resource: string) => ({
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

const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';
const queueArn = { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] };
const timersQueueArn = { 'Fn::GetAtt': ['StartTimersQueue', 'Arn'] };

describe('the packaged CloudFormation template', () => {
  let dir: string;
  let template: Template;
  let entries: SchedulerEntry[];

  const resourcesOfType = (type: string): [string, Resource][] =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shift-package-'));
    await oslsPackage(dir);
    template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
    entries = schedulerEntries(
      parseShiftsText(await readFile(join(root, 'shifts.yml'), 'utf8'), 'shifts.yml'),
    );
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['ConfigTable', 'model-shift-scheduler-test-config'],
    ['RunsTable', 'model-shift-scheduler-test-runs'],
  ])('declares %s with pk/sk keys, on-demand billing, PITR, SSE and retention', (logicalId, tableName) => {
    const table = template.Resources[logicalId];
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('expires idempotency-token records of the runs table by expiresAt', () => {
    expect(template.Resources.RunsTable?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(template.Resources.ConfigTable?.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('grants Resource "*" only to actions that support no resource type, each in a statement of its own', () => {
    // In a key policy "*" means the key itself: those statements are checked with the alarm topic.
    const statements = statementsIn(
      Object.values(template.Resources).filter((resource) => resource.Type !== 'AWS::KMS::Key'),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement).not.toHaveProperty('NotResource');
      if (!asList(statement.Resource).includes('*')) continue;
      expect(asList(statement.Resource)).toEqual(['*']);
      for (const action of asList(statement.Action)) {
        expect(ACTIONS_WITHOUT_RESOURCE_TYPE.has(String(action)), String(action)).toBe(true);
      }
    }
  });

  it('lets the Lambdas use exactly the two tables, with the IAM actions of the requests the stores send', async () => {
    const required = await storeDynamoActions();
    const dynamoStatements = statementsIn(functionsPart(template)).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(0);
    const granted = new Set<string>();
    for (const statement of dynamoStatements) {
      for (const action of asList(statement.Action)) granted.add(String(action));
      expect(asList(statement.Resource)).toEqual([
        { 'Fn::GetAtt': ['ConfigTable', 'Arn'] },
        { 'Fn::GetAtt': ['RunsTable', 'Arn'] },
      ]);
    }
    // Transactions are authorised per item (PutItem, …): TransactWriteItems is no IAM action.
    expect([...granted].sort()).toEqual([...required].sort());
  });

  it('gives every function the table names and the nodejs22.x arm64 runtime', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: { CONFIG_TABLE_NAME: { Ref: 'ConfigTable' }, RUNS_TABLE_NAME: { Ref: 'RunsTable' } },
        },
      });
    }
  });

  it("schedules every shift edge of shifts.yml in the stage's schedule group, in the schedule time zone", () => {
    expect(template.Resources.ShiftEdgeScheduleGroup).toEqual({
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: 'model-shift-scheduler-test' },
    });
    const schedules = resourcesOfType('AWS::Scheduler::Schedule').map(([, resource]) => resource.Properties);
    expect(entries.length).toBeGreaterThan(0);
    expect(schedules).toHaveLength(entries.length);
    for (const entry of entries) {
      const input = {
        schedule: entry.schedule,
        edge: entry.kind,
        shifts: entry.shifts,
        scheduledTime: SCHEDULED_TIME,
      };
      const matching = schedules.filter((schedule) => schedule.Name === entry.name);
      expect(matching, entry.name).toHaveLength(1);
      const [schedule] = matching;
      expect(schedule).toMatchObject({
        GroupName: { Ref: 'ShiftEdgeScheduleGroup' },
        ScheduleExpression: entry.expression,
        ScheduleExpressionTimezone: entry.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': ['ShiftEdgeLambdaFunction', 'Arn'] } },
      });
      const target = schedule?.Target as { Input: string };
      expect(JSON.parse(target.Input)).toEqual(input);
      // What the function receives once the scheduler fills in the time must pass its event schema.
      const delivered = JSON.parse(target.Input.replace(SCHEDULED_TIME, '2027-03-26T04:40:00Z'));
      expect(shiftEdgeEventSchema.safeParse(delivered).success).toBe(true);
      expect(schedule?.Name).toMatch(/^[0-9A-Za-z\-_.]{1,64}$/);
    }
  });

  it('retries a failed edge delivery only while the function would still act on it, then dead-letters it', () => {
    const schedules = resourcesOfType('AWS::Scheduler::Schedule').map(([, resource]) => resource.Properties);
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules) {
      expect(schedule.Target).toMatchObject({
        RoleArn: { 'Fn::GetAtt': ['ShiftEdgeSchedulerRole', 'Arn'] },
        RetryPolicy: {
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: eventToleranceMs / 1000,
        },
        DeadLetterConfig: { Arn: queueArn },
      });
      const { MaximumRetryAttempts } = (schedule.Target as { RetryPolicy: { MaximumRetryAttempts: number } })
        .RetryPolicy;
      expect(MaximumRetryAttempts).toBeGreaterThanOrEqual(1);
      expect(MaximumRetryAttempts).toBeLessThanOrEqual(185);
    }
  });

  it('lets EventBridge Scheduler of this account invoke only the shift-edge function and dead-letter to the failure queue', () => {
    const role = template.Resources.ShiftEdgeSchedulerRole;
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    const { AssumeRolePolicyDocument: _trust, ...permissions } = role?.Properties ?? {};
    expect(statementsIn(permissions)).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['ShiftEdgeLambdaFunction', 'Arn'] },
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
    ]);
    // The functions' own role is for Lambda alone.
    const lambdaRole = template.Resources.IamRoleLambdaExecution;
    expect(statementsIn(lambdaRole?.Properties.AssumeRolePolicyDocument)).toEqual([
      expect.objectContaining({ Principal: { Service: ['lambda.amazonaws.com'] } }),
    ]);
    const { AssumeRolePolicyDocument: _lambdaTrust, ...lambdaPermissions } = lambdaRole?.Properties ?? {};
    for (const statement of statementsIn(lambdaPermissions)) {
      expect(asList(statement.Action)).not.toContain('lambda:InvokeFunction');
    }
  });

  it('runs the reconcile tick every 5 minutes on an EventBridge rule', () => {
    const rules = resourcesOfType('AWS::Events::Rule').map(([, resource]) => resource.Properties);
    expect(rules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] } })],
      }),
    ]);
  });

  it('lets the Lambdas start, stop and describe exactly the models, and list models on "*" alone', () => {
    const lookoutVisionStatements = statementsIn(functionsPart(template)).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('lookoutvision:')),
    );
    expect(lookoutVisionStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
        Resource: [lookoutVisionArn('model/circuit-boards/3'), lookoutVisionArn('model/weld-seams/1')],
      },
      // ListModels supports no resource type: IAM honours it only on "*".
      { Effect: 'Allow', Action: ['lookoutvision:ListModels'], Resource: ['*'] },
    ]);
  });

  it("attaches the hosting permissions to the functions' role as managed policies the functions wait for", () => {
    const hosting = resourcesOfType('AWS::IAM::ManagedPolicy').filter(([id]) => !isOperatorPolicy(id));
    expect(hosting.length).toBeGreaterThan(0);
    for (const [id, policy] of hosting) {
      expect(policy.Properties).toMatchObject({
        Roles: [{ Ref: 'IamRoleLambdaExecution' }],
        PolicyDocument: { Version: '2012-10-17' },
      });
      for (const name of ['ReconcileLambdaFunction', 'ShiftEdgeLambdaFunction'])
        expect(template.Resources[name]?.DependsOn).toContain(id);
    }
    const statements = hosting.flatMap(([, policy]) => statementsIn(policy));
    expect(statements.map((statement) => asList(statement.Action)[0])).toEqual([
      'lookoutvision:StartModel',
      'lookoutvision:ListModels',
    ]);
    expect(
      statementsIn(functionsPart(template)).some((statement) =>
        String(asList(statement.Action)[0]).startsWith('rekognition:'),
      ),
    ).toBe(false);
  });

  it('grants SageMaker models scaling and describing on their exact inference-component ARNs, and listing alone on "*"', async () => {
    const text = (await readFile(join(root, 'shifts.yml'), 'utf8')).replace(
      /^models:[\s\S]*$/m,
      [
        'models:',
        '  - id: copies-1',
        '    provider: sagemaker',
        '    endpointName: vision-endpoint',
        '    inferenceComponentName: Pcb-Defects',
        '    schedule: weekend-night',
        '  - id: copies-2',
        '    provider: sagemaker',
        '    endpointName: vision-endpoint',
        '    inferenceComponentName: weld-defects',
        '    schedule: weekend-night',
        '',
      ].join('\n'),
    );
    const file = join(dir, 'sagemaker-shifts.yml');
    await writeFile(file, text);
    const withSageMaker = await packaged(join(dir, 'sagemaker-only'), { env: { SHIFTS_FILE: file } });
    const sageMakerArn = (resource: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':sagemaker:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${resource}`,
        ],
      ],
    });
    const sageMakerStatements = [
      {
        Effect: 'Allow',
        Action: ['sagemaker:UpdateInferenceComponentRuntimeConfig', 'sagemaker:DescribeInferenceComponent'],
        Resource: [
          sageMakerArn('inference-component/pcb-defects'),
          sageMakerArn('inference-component/weld-defects'),
        ],
      },
      { Effect: 'Allow', Action: ['sagemaker:ListInferenceComponents'], Resource: ['*'] },
    ];
    expect(hostingStatementsOf(withSageMaker)).toEqual(sageMakerStatements);
    const sageMakerAnywhere = statementsIn(functionsPart(withSageMaker)).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('sagemaker:')),
    );
    expect(sageMakerAnywhere).toEqual(sageMakerStatements);
  }, 60_000);

  it('grants Rekognition Custom Labels models exactly their versions and projects, next to Lookout for Vision', async () => {
    const projectArn = 'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/1711000000000';
    const text = (await readFile(join(root, 'shifts.yml'), 'utf8')).replace(
      /^models:[\s\S]*$/m,
      [
        'models:',
        '  - id: pcb-line-1',
        '    provider: lookoutvision',
        '    projectName: circuit-boards',
        '    modelVersion: "3"',
        '    schedule: weekday-two-shift',
        '  - id: label-line-2',
        '    provider: rekognition',
        `    projectArn: "${projectArn}"`,
        '    versionName: label-line.2027-03-01',
        '    schedule: weekday-two-shift',
        '  - id: label-only',
        '    provider: rekognition',
        `    projectArn: "${projectArn}"`,
        '    versionName: v2',
        '    schedule: weekend-night',
        '',
      ].join('\n'),
    );
    const mixed = join(dir, 'mixed-shifts.yml');
    await writeFile(mixed, text);
    const rekognitionOnly = join(dir, 'rekognition-shifts.yml');
    await writeFile(rekognitionOnly, text.replace(/ {2}- id: pcb-line-1\n(?: {4}.*\n)+/, ''));
    // One after the other: two `osls package` runs in one service directory at once deadlock.
    const withBoth = await packaged(join(dir, 'mixed'), { args: [`--param=shifts=${mixed}`] });
    const withRekognition = await packaged(join(dir, 'rekognition-only'), {
      env: { SHIFTS_FILE: rekognitionOnly },
    });
    const rekognitionStatements = [
      {
        Effect: 'Allow',
        Action: ['rekognition:StartProjectVersion', 'rekognition:StopProjectVersion'],
        Resource: [
          'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/version/label-line.2027-03-01/*',
          'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/version/v2/*',
        ],
      },
      { Effect: 'Allow', Action: ['rekognition:DescribeProjectVersions'], Resource: [projectArn] },
    ];
    expect(hostingStatementsOf(withBoth)).toEqual([
      {
        Effect: 'Allow',
        Action: ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
        Resource: [lookoutVisionArn('model/circuit-boards/3')],
      },
      { Effect: 'Allow', Action: ['lookoutvision:ListModels'], Resource: ['*'] },
      ...rekognitionStatements,
    ]);
    // Without Lookout for Vision models there is no Lookout for Vision statement (one without resources is invalid).
    expect(hostingStatementsOf(withRekognition)).toEqual(rekognitionStatements);
    for (const template of [withBoth, withRekognition]) {
      const rekognitionAnywhere = statementsIn(functionsPart(template)).filter((statement) =>
        asList(statement.Action).some((action) => String(action).startsWith('rekognition:')),
      );
      expect(rekognitionAnywhere).toEqual(rekognitionStatements);
    }
  }, 60_000);

  it('keeps the logical id of every schedule name when shifts.yml gains and loses edges anywhere', async () => {
    const base = await readFile(join(root, 'shifts.yml'), 'utf8');
    // Before: the repository's file plus a schedule whose edges sort last.
    const before = base
      .replace(
        /^models:/m,
        [
          '  zz-cleaning:',
          '    shifts:',
          '      - { name: wash, days: sat, start: "08:00", end: "10:00", minInferenceUnits: 1 }',
          'models:',
        ].join('\n'),
      )
      .concat(
        [
          '  - id: cleaning-cam',
          '    provider: lookoutvision',
          '    projectName: wash-bay',
          '    modelVersion: "1"',
          '    schedule: zz-cleaning',
          '',
        ].join('\n'),
      );
    // After: new edges in front of the others (schedules "line-a" and "line_a", distinct names whose
    // letters and digits are the same), and the late shift gone from the middle.
    const after = before
      .replace(
        /^schedules:\n/m,
        [
          'schedules:',
          '  line-a:',
          '    shifts:',
          '      - { name: one, days: mon, start: "05:00", end: "07:00", minInferenceUnits: 1 }',
          '  line_a:',
          '    shifts:',
          '      - { name: one, days: mon, start: "05:00", end: "07:00", minInferenceUnits: 1 }',
          '',
        ].join('\n'),
      )
      .replace(/ {6}- name: late\n(?: {8}.*\n)+/, '')
      .concat(
        ['line-a', 'line_a']
          .map((schedule, index) =>
            [
              `  - id: line-a-${index}`,
              '    provider: lookoutvision',
              `    projectName: line-a-${index}`,
              '    modelVersion: "1"',
              `    schedule: ${schedule}`,
              '',
            ].join('\n'),
          )
          .join(''),
      );
    const beforeFile = join(dir, 'before-shifts.yml');
    const afterFile = join(dir, 'after-shifts.yml');
    await writeFile(beforeFile, before);
    await writeFile(afterFile, after);
    const idsByName = (packagedTemplate: Template): Map<string, string> =>
      new Map(
        Object.entries(packagedTemplate.Resources)
          .filter(([, resource]) => resource.Type === 'AWS::Scheduler::Schedule')
          .map(([id, resource]) => [String(resource.Properties.Name), id]),
      );
    const first = idsByName(await packaged(join(dir, 'before'), { env: { SHIFTS_FILE: beforeFile } }));
    const second = idsByName(await packaged(join(dir, 'after'), { env: { SHIFTS_FILE: afterFile } }));

    const kept = [...first.keys()].filter((name) => second.has(name));
    const added = [...second.keys()].filter((name) => !first.has(name));
    const removed = [...first.keys()].filter((name) => !second.has(name));
    // The change really inserts before and removes between the kept edges.
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(added.some((name) => name.includes('line-a-'))).toBe(true);
    expect(added.some((name) => name.includes('line_a-'))).toBe(true);
    expect(removed.length).toBeGreaterThan(0);
    for (const name of kept) expect(second.get(name), name).toBe(first.get(name));
    // Every name has a logical id of its own, in CloudFormation's alphabet.
    for (const ids of [first, second]) {
      expect(new Set(ids.values()).size).toBe(ids.size);
      for (const id of ids.values()) expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
    }
  }, 90_000);

  it('fits the grants for 1,000 models in 20 projects within IAM policy limits, each model still granted', async () => {
    const base = await readFile(join(root, 'shifts.yml'), 'utf8');
    const models: string[] = [];
    const lookoutVision: { project: string; version: string }[] = [];
    const rekognition: { projectArn: string; versionName: string }[] = [];
    for (let project = 1; project <= 20; project += 1) {
      const name = `inspection-line-${String(project).padStart(2, '0')}`;
      for (let version = 1; version <= 50; version += 1) {
        const schedule = version % 2 === 0 ? 'weekday-two-shift' : 'weekend-night';
        if (project <= 10) {
          lookoutVision.push({ project: name, version: String(version) });
          models.push(
            `  - { id: ${name}-v${version}, provider: lookoutvision, projectName: ${name}, modelVersion: "${version}", schedule: ${schedule} }`,
          );
        } else {
          const projectArn = `arn:aws:rekognition:eu-central-1:123456789012:project/${name}/1711000000000`;
          const versionName = `${name}.2027-03-01T09.10.${String(version).padStart(2, '0')}`;
          rekognition.push({ projectArn, versionName });
          models.push(
            `  - { id: ${name}-v${version}, provider: rekognition, projectArn: "${projectArn}", versionName: ${versionName}, schedule: ${schedule} }`,
          );
        }
      }
    }
    expect(models).toHaveLength(1_000);
    const fleetFile = join(dir, 'fleet-shifts.yml');
    await writeFile(fleetFile, base.replace(/^models:[\s\S]*$/m, ['models:', ...models, ''].join('\n')));
    const fleet = await packaged(join(dir, 'fleet'), { env: { SHIFTS_FILE: fleetFile } });

    const role = fleet.Resources.IamRoleLambdaExecution;
    const inline = [
      ...asList(role?.Properties.Policies),
      ...Object.values(fleet.Resources)
        .filter((resource) => resource.Type === 'AWS::IAM::Policy')
        .filter((resource) =>
          JSON.stringify(resource.Properties.Roles ?? []).includes('IamRoleLambdaExecution'),
        )
        .map((resource) => resource.Properties),
    ].map((policy) => (policy as { PolicyDocument: unknown }).PolicyDocument);
    expect(inline.reduce<number>((sum, document) => sum + policySize(document), 0)).toBeLessThanOrEqual(
      ROLE_INLINE_POLICIES_LIMIT,
    );
    const managed = Object.values(fleet.Resources).filter(
      (resource) =>
        resource.Type === 'AWS::IAM::ManagedPolicy' &&
        JSON.stringify(resource.Properties.Roles ?? []).includes('IamRoleLambdaExecution'),
    );
    expect(managed.length + asList(role?.Properties.ManagedPolicyArns ?? []).length).toBeLessThanOrEqual(
      MANAGED_POLICIES_PER_ROLE,
    );
    for (const policy of managed) {
      expect(policySize(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    }

    const statements = hostingStatementsOf(fleet);
    const lfv = (resource: string) => `arn:aws-us-gov:lookoutvision:ap-southeast-2:123456789012:${resource}`;
    for (const { project, version } of lookoutVision) {
      for (const action of ['StartModel', 'StopModel', 'DescribeModel']) {
        expect(allows(statements, `lookoutvision:${action}`, lfv(`model/${project}/${version}`))).toBe(true);
      }
    }
    expect(allows(statements, 'lookoutvision:ListModels', lfv('project/inspection-line-01'))).toBe(true);
    for (const { projectArn, versionName } of rekognition) {
      const versionArn = projectArn.replace(/\/\d+$/, `/version/${versionName}/1712000000000`);
      for (const action of ['StartProjectVersion', 'StopProjectVersion']) {
        expect(allows(statements, `rekognition:${action}`, versionArn)).toBe(true);
      }
      expect(allows(statements, 'rekognition:DescribeProjectVersions', projectArn)).toBe(true);
    }
    // Still scoped to the projects of the file.
    expect(allows(statements, 'lookoutvision:StartModel', lfv('model/other-project/1'))).toBe(false);
    expect(
      allows(
        statements,
        'rekognition:StartProjectVersion',
        'arn:aws:rekognition:eu-central-1:123456789012:project/other-project/version/v1/1712000000000',
      ),
    ).toBe(false);
  }, 90_000);

  it('refuses to package a fleet whose grants exceed the policy limits even per project', async () => {
    const base = await readFile(join(root, 'shifts.yml'), 'utf8');
    // One model per project: granting a project as a whole saves nothing.
    const models = Array.from(
      { length: 1_000 },
      (_, index) =>
        `  - { id: cell-${index}, provider: lookoutvision, projectName: assembly-cell-${index}, modelVersion: "1", schedule: weekday-two-shift }`,
    );
    const tooMany = join(dir, 'too-many-projects.yml');
    await writeFile(tooMany, base.replace(/^models:[\s\S]*$/m, ['models:', ...models, ''].join('\n')));
    await expect(oslsPackage(join(dir, 'too-many'), { env: { SHIFTS_FILE: tooMany } })).rejects.toThrow(
      `${tooMany}: models: the 1000 models need more than`,
    );
  }, 60_000);

  it('refuses to package a shifts file without any model', async () => {
    const empty = join(dir, 'no-models.yml');
    const text = await readFile(join(root, 'shifts.yml'), 'utf8');
    await writeFile(empty, text.replace(/^models:[\s\S]*$/m, 'models: []\n'));
    await expect(oslsPackage(join(dir, 'no-models'), { env: { SHIFTS_FILE: empty } })).rejects.toThrow(
      /models: no model, so there is nothing for the functions to start or stop/,
    );
  }, 60_000);

  it('sends failed async invocations of both functions to the encrypted failure queue', () => {
    expect(template.Resources.FailedInvocationsQueue).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
    });
    // `shiftctl failures` reads the queue by the URL this output gives.
    expect(template.Outputs?.FailedInvocationsQueueUrl?.Value).toEqual({ Ref: 'FailedInvocationsQueue' });
    const configs = resourcesOfType('AWS::Lambda::EventInvokeConfig').map(
      ([, resource]) => resource.Properties,
    );
    expect(configs.map((config) => config.FunctionName)).toEqual(
      expect.arrayContaining([{ Ref: 'ReconcileLambdaFunction' }, { Ref: 'ShiftEdgeLambdaFunction' }]),
    );
    for (const config of configs) {
      expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: queueArn } });
      expect(config.MaximumEventAgeInSeconds).toBeLessThanOrEqual(300);
    }
    const sendStatements = statementsIn(template).filter((statement) =>
      asList(statement.Action).includes('sqs:SendMessage'),
    );
    expect(sendStatements.length).toBeGreaterThan(0);
    // The failure queue, and the start-timers queue for the functions' own role.
    for (const statement of sendStatements) {
      expect([[queueArn], [timersQueueArn]]).toContainEqual(asList(statement.Resource));
    }
  });

  it('declares the start-timers queue encrypted, redriven to the failure queue, visible again only after its consumer timed out', () => {
    const queue = template.Resources.StartTimersQueue;
    expect(queue).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'model-shift-scheduler-test-start-timers',
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: queueArn, maxReceiveCount: 1 },
      },
    });
    const timeout = Number(template.Resources.StartAtLambdaFunction?.Properties.Timeout);
    expect(Number(queue?.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(timeout);
  });

  it('runs the startAt function on the start-timers queue, one timer per invocation, failing messages one by one', () => {
    const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping').map(
      ([, resource]) => resource.Properties,
    );
    expect(mappings).toEqual([
      {
        BatchSize: 1,
        EventSourceArn: timersQueueArn,
        FunctionName: { 'Fn::GetAtt': ['StartAtLambdaFunction', 'Arn'] },
        Enabled: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ]);
    expect(template.Resources.StartAtLambdaFunction?.Properties).toMatchObject({
      Handler: 'functions/start-at.handler',
    });
    expect(template.Resources.StartAtLambdaFunction?.DependsOn).toEqual(
      expect.arrayContaining(
        resourcesOfType('AWS::IAM::ManagedPolicy')
          .filter(([id]) => !isOperatorPolicy(id))
          .map(([id]) => id),
      ),
    );
  });

  it('grants sending to the start-timers queue and receiving from it, on that queue alone, and tells every function its URL', () => {
    const onTimers = statementsIn(template).filter((statement) =>
      asList(statement.Resource).some(
        (resource) => JSON.stringify(resource) === JSON.stringify(timersQueueArn),
      ),
    );
    expect(onTimers.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    for (const statement of onTimers) expect(asList(statement.Resource)).toEqual([timersQueueArn]);
    const sqsStatements = statementsIn(template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('sqs:')),
    );
    for (const statement of sqsStatements) {
      const resources = asList(statement.Resource);
      expect([[queueArn], [timersQueueArn]]).toContainEqual(resources);
      if (JSON.stringify(resources) === JSON.stringify([queueArn])) {
        expect(asList(statement.Action)).toEqual(['sqs:SendMessage']);
      }
    }
    const functions = resourcesOfType('AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual([
      'ReconcileLambdaFunction',
      'ShiftEdgeLambdaFunction',
      'StartAtLambdaFunction',
    ]);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Environment: { Variables: { START_TIMERS_QUEUE_URL: { Ref: 'StartTimersQueue' } } },
      });
    }
  });

  it('gives each function time for 1,000 starts or stops at 5 per second, and the tick less than its period', () => {
    const timeoutOf = (id: string) => Number(template.Resources[id]?.Properties.Timeout);
    const thousandCalls = 1000 / 5;
    for (const id of ['ReconcileLambdaFunction', 'ShiftEdgeLambdaFunction', 'StartAtLambdaFunction']) {
      expect(timeoutOf(id), id).toBeGreaterThan(thousandCalls + 10);
      expect(timeoutOf(id), id).toBeLessThanOrEqual(900);
    }
    // Two ticks never run at once, so they never share the quota.
    expect(timeoutOf('ReconcileLambdaFunction')).toBeLessThan(300);
  });

  it('refuses to package names that would widen a grant, naming the file and the field', async () => {
    const base = await readFile(join(root, 'shifts.yml'), 'utf8');
    const wildcard = join(dir, 'wildcard-shifts.yml');
    await writeFile(
      wildcard,
      base.replace(
        /^models:[\s\S]*$/m,
        [
          'models:',
          '  - id: any-project',
          '    provider: rekognition',
          '    projectArn: "arn:aws:rekognition:eu-central-1:123456789012:project/*/1711000000000"',
          '    versionName: v1',
          '    schedule: weekday-two-shift',
          '  - id: any-model',
          '    provider: lookoutvision',
          '    projectName: "*"',
          '    modelVersion: "1"',
          '    schedule: weekday-two-shift',
          '',
        ].join('\n'),
      ),
    );
    const refused = oslsPackage(join(dir, 'wildcard'), { env: { SHIFTS_FILE: wildcard } });
    await expect(refused).rejects.toThrow(`${wildcard}: models[0].projectArn`);
    await expect(refused).rejects.toThrow(`${wildcard}: models[1].projectName`);
  }, 60_000);

  it('refuses to package an invalid shifts file, naming the file and the field', async () => {
    const bad = join(dir, 'bad-shifts.yml');
    const text = await readFile(join(root, 'shifts.yml'), 'utf8');
    await writeFile(bad, text.replace('start: "06:00"', 'start: "6am"'));
    const field = 'schedules.weekday-two-shift.shifts[0].start: "6am" is not HH:MM';
    const [byParam, byEnv] = await Promise.allSettled([
      oslsPackage(join(dir, 'by-param'), { args: [`--param=shifts=${bad}`] }),
      oslsPackage(join(dir, 'by-env'), { env: { SHIFTS_FILE: bad } }),
    ]);
    for (const outcome of [byParam, byEnv]) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toContain(`${bad}: ${field}`);
    }
  }, 60_000);
});

/** The metric dimensions every alarm on the scheduler's own metrics names. */
const fleetDimensions = [
  { Name: 'service', Value: 'model-shift-scheduler' },
  { Name: 'stage', Value: 'test' },
];
const topic = [{ Ref: 'AlarmTopic' }];

describe('the packaged alarms, their topic, the dashboard and the operator policy', () => {
  let dir: string;
  let template: Template;
  let withEmail: Template;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shift-operations-'));
    // One after the other: both would build into the same .esbuild directory.
    template = await packaged(join(dir, 'default'));
    withEmail = await packaged(join(dir, 'with-email'), { args: ['--param=alarmEmail=ops@example.com'] });
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const alarms = () =>
    Object.fromEntries(
      Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm'),
    );

  it.each([
    // [logical id, namespace, metric, dimensions, statistic, period, periods to alarm, comparison, threshold, missing data, OK actions]
    [
      'HostedOutsideRunsAlarm',
      'model-shift-scheduler',
      'HostedOutsideRuns',
      fleetDimensions,
      'Maximum',
      300,
      3,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      true,
    ],
    [
      'LateStartAlarm',
      'model-shift-scheduler',
      'LateStarts',
      fleetDimensions,
      'Maximum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      true,
    ],
    [
      'RunGivenUpAlarm',
      'model-shift-scheduler',
      'RunsGivenUp',
      fleetDimensions,
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'BudgetBlockAlarm',
      'model-shift-scheduler',
      'BudgetBlocks',
      fleetDimensions,
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'ConfigRefusedAlarm',
      'model-shift-scheduler',
      'ConfigRefused',
      fleetDimensions,
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      true,
    ],
    [
      'HeartbeatAlarm',
      'model-shift-scheduler',
      'Heartbeat',
      fleetDimensions,
      'Sum',
      300,
      3,
      'LessThanThreshold',
      1,
      'breaching',
      true,
    ],
    [
      'FailedInvocationsAlarm',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'QueueName'] } }],
      'Maximum',
      300,
      1,
      'GreaterThanThreshold',
      0,
      'notBreaching',
      true,
    ],
    [
      'ReconcileErrorsAlarm',
      'AWS/Lambda',
      'Errors',
      [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'ReconcileThrottlesAlarm',
      'AWS/Lambda',
      'Throttles',
      [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'ShiftEdgeErrorsAlarm',
      'AWS/Lambda',
      'Errors',
      [{ Name: 'FunctionName', Value: { Ref: 'ShiftEdgeLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'ShiftEdgeThrottlesAlarm',
      'AWS/Lambda',
      'Throttles',
      [{ Name: 'FunctionName', Value: { Ref: 'ShiftEdgeLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'StartAtErrorsAlarm',
      'AWS/Lambda',
      'Errors',
      [{ Name: 'FunctionName', Value: { Ref: 'StartAtLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
    [
      'StartAtThrottlesAlarm',
      'AWS/Lambda',
      'Throttles',
      [{ Name: 'FunctionName', Value: { Ref: 'StartAtLambdaFunction' } }],
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
      1,
      'notBreaching',
      false,
    ],
  ] as const)(
    '%s watches %s %s and notifies the topic',
    (id, namespace, metric, dimensions, statistic, period, periods, comparison, threshold, missing, ok) => {
      const alarm = alarms()[id];
      expect(alarm?.Properties).toEqual({
        AlarmName: expect.stringMatching(/^model-shift-scheduler-test-/),
        AlarmDescription: expect.any(String),
        Namespace: namespace,
        MetricName: metric,
        Dimensions: dimensions,
        Statistic: statistic,
        Period: period,
        EvaluationPeriods: periods,
        ...(periods > 1 ? { DatapointsToAlarm: periods } : {}),
        ComparisonOperator: comparison,
        Threshold: threshold,
        TreatMissingData: missing,
        AlarmActions: topic,
        ...(ok ? { OKActions: topic } : {}),
      });
    },
  );

  it('has no alarm beyond those, and every one of them notifies the topic', () => {
    expect(Object.keys(alarms()).sort()).toEqual(
      [
        'BudgetBlockAlarm',
        'ConfigRefusedAlarm',
        'FailedInvocationsAlarm',
        'HeartbeatAlarm',
        'HostedOutsideRunsAlarm',
        'LateStartAlarm',
        'ReconcileErrorsAlarm',
        'ReconcileThrottlesAlarm',
        'RunGivenUpAlarm',
        'ShiftEdgeErrorsAlarm',
        'ShiftEdgeThrottlesAlarm',
        'StartAtErrorsAlarm',
        'StartAtThrottlesAlarm',
      ].sort(),
    );
  });

  it("gives the functions the metrics' namespace and stage", () => {
    for (const id of ['ReconcileLambdaFunction', 'ShiftEdgeLambdaFunction', 'StartAtLambdaFunction']) {
      expect(template.Resources[id]?.Properties).toMatchObject({
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'model-shift-scheduler',
            POWERTOOLS_METRICS_NAMESPACE: 'model-shift-scheduler',
            STAGE: 'test',
          },
        },
      });
    }
  });

  it('encrypts the topic with a rotated key of its own that CloudWatch of this account may use', () => {
    expect(template.Resources.AlarmTopic).toEqual({
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: 'model-shift-scheduler-test-alarms',
        KmsMasterKeyId: { Ref: 'AlarmTopicKey' },
      },
    });
    const key = template.Resources.AlarmTopicKey;
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(statementsIn(key?.Properties.KeyPolicy)).toEqual([
      {
        Sid: 'AccountAdministersKey',
        Effect: 'Allow',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not JavaScript's
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(statementsIn(template.Resources.AlarmTopicPolicy?.Properties.PolicyDocument)).toEqual([
      {
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'AlarmTopic' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('subscribes the e-mail address given with --param="alarmEmail=…", and none without', () => {
    const subscription = {
      Type: 'AWS::SNS::Subscription',
      Condition: 'AlarmEmailGiven',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'ops@example.com' },
    };
    expect(withEmail.Resources.AlarmEmailSubscription).toEqual(subscription);
    expect(withEmail.Conditions?.AlarmEmailGiven).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['ops@example.com', ''] }],
    });
    // Without the param the condition is false: CloudFormation creates no subscription.
    expect(template.Conditions?.AlarmEmailGiven).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect(
      Object.values(template.Resources).filter(
        (resource) => resource.Type === 'AWS::SNS::Subscription' && resource.Condition !== 'AlarmEmailGiven',
      ),
    ).toEqual([]);
  });

  it('draws a dashboard of the fleet from the metrics the functions publish', () => {
    const dashboard = template.Resources.FleetDashboard;
    expect(dashboard?.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dashboard?.Properties.DashboardName).toBe('model-shift-scheduler-test');
    const [body, variables] = (
      dashboard?.Properties.DashboardBody as { 'Fn::Sub': [string, Record<string, string>] } | undefined
    )?.['Fn::Sub'] ?? ['', {}];
    expect(variables).toEqual({
      Namespace: 'model-shift-scheduler',
      Service: 'model-shift-scheduler',
      Stage: 'test',
    });
    // The body is JSON once CloudFormation fills in its variables.
    const filled = body.replace(/\$\{([^}]+)\}/g, (_, name: string) => variables[name] ?? `${name}-value`);
    const widgets = (JSON.parse(filled) as { widgets: { properties: { metrics?: string[][] } }[] }).widgets;
    const named = widgets.flatMap((widget) =>
      (widget.properties.metrics ?? []).map((line) => `${line[0]} ${line[1]}`),
    );
    expect(named).toEqual(
      expect.arrayContaining(
        [
          'Starts',
          'Stops',
          'Failures',
          'RunsGivenUp',
          'BudgetBlocks',
          'LateStarts',
          'MinutesLate',
          'HostedOutsideRuns',
          'CostThisMonth',
          'UnitHoursThisMonth',
          'PassDuration',
          'Heartbeat',
        ]
          .map((metric) => `model-shift-scheduler ${metric}`)
          .concat([
            'AWS/Lambda Errors',
            'AWS/Lambda Throttles',
            'AWS/SQS ApproximateNumberOfMessagesVisible',
          ]),
      ),
    );
  });

  it('gives operators a managed policy of exactly the table actions of apply, override and the read commands', async () => {
    const policy = template.Resources.OperatorPolicy;
    expect(policy?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy?.Properties.Roles).toBeUndefined();
    const configTable = [{ 'Fn::GetAtt': ['ConfigTable', 'Arn'] }];
    expect(statementsIn(policy?.Properties.PolicyDocument)).toEqual([
      {
        Sid: 'ReadConfiguration',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: configTable,
      },
      {
        Sid: 'WriteConfiguration',
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: configTable,
      },
      {
        Sid: 'ReadRuns',
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [{ 'Fn::GetAtt': ['RunsTable', 'Arn'] }],
      },
    ]);
    // Nothing the stores never send.
    const sent = await storeDynamoActions();
    for (const statement of statementsIn(policy?.Properties.PolicyDocument)) {
      for (const action of asList(statement.Action))
        expect(sent.has(String(action)), String(action)).toBe(true);
    }
    expect(template.Outputs?.OperatorPolicyArn).toEqual({
      Description: expect.any(String),
      Value: { Ref: 'OperatorPolicy' },
      Export: { Name: 'model-shift-scheduler-test-operator-policy-arn' },
    });
  });

  it("gives operators the functions' hosting grants cut down to Describe and List, on the same resources", () => {
    const readPolicies = Object.entries(template.Resources).filter(([id]) =>
      id.startsWith('OperatorHostingReadPolicy'),
    );
    expect(readPolicies.length).toBeGreaterThan(0);
    const functionStatements = hostingStatementsOf(template);
    const readStatements = readPolicies.flatMap(([, resource]) => {
      expect(resource.Properties.Roles).toBeUndefined();
      return statementsIn(resource.Properties.PolicyDocument);
    });
    expect(readStatements).toEqual(
      functionStatements
        .map((statement) => ({
          ...statement,
          Action: asList(statement.Action).filter((action) => /:(Describe|List)/.test(String(action))),
        }))
        .filter((statement) => statement.Action.length > 0),
    );
    for (const [id] of readPolicies) expect(template.Outputs?.[`${id}Arn`]?.Value).toEqual({ Ref: id });
  });
});
