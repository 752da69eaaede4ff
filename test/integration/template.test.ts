import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftEdgeEventSchema } from '../../src/app/shift-edge.ts';
import { parseConfigText, type SchedulerEntry, schedulerEntries } from '../../src/schedule/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const osls = join(root, 'node_modules', '.bin', 'osls');

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  DependsOn?: string[];
  Properties: Record<string, unknown>;
}

interface Template {
  Resources: Record<string, Resource>;
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
      parseConfigText(await readFile(join(root, 'shifts.yml'), 'utf8'), 'shifts.yml'),
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

  it('has no IAM statement with Resource "*" anywhere', () => {
    const statements = statementsIn(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      if ('Resource' in statement) expect(asList(statement.Resource)).not.toContain('*');
      expect(statement).not.toHaveProperty('NotResource');
    }
  });

  it('lets the Lambdas use exactly the two tables, with named DynamoDB actions only', () => {
    const dynamoStatements = statementsIn(template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect(asList(statement.Action).every((action) => /^dynamodb:[A-Za-z]+$/.test(String(action)))).toBe(
        true,
      );
      expect(asList(statement.Resource)).toEqual([
        { 'Fn::GetAtt': ['ConfigTable', 'Arn'] },
        { 'Fn::GetAtt': ['RunsTable', 'Arn'] },
      ]);
    }
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

  it('schedules every shift edge of shifts.yml on EventBridge Scheduler, in the schedule time zone', () => {
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
      const matching = schedules.filter(
        (schedule) =>
          schedule.ScheduleExpression === entry.expression &&
          JSON.parse(String((schedule.Target as { Input?: unknown }).Input)).edge === entry.kind &&
          JSON.parse(String((schedule.Target as { Input?: unknown }).Input)).schedule === entry.schedule,
      );
      expect(matching, entry.name).toHaveLength(1);
      const [schedule] = matching;
      expect(schedule).toMatchObject({
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
      expect(schedule?.Name).toMatch(/^model-shift-scheduler-test-[0-9A-Za-z\-_.]+$/);
      expect(String(schedule?.Name).length).toBeLessThanOrEqual(64);
    }
    expect(new Set(schedules.map((schedule) => schedule.Name)).size).toBe(schedules.length);
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

  it('lets the Lambdas start, stop and describe exactly the models, and list exactly their projects', () => {
    const lookoutVisionStatements = statementsIn(template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('lookoutvision:')),
    );
    expect(lookoutVisionStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
        Resource: [lookoutVisionArn('model/circuit-boards/3'), lookoutVisionArn('model/weld-seams/1')],
      },
      {
        Effect: 'Allow',
        Action: ['lookoutvision:ListModels'],
        Resource: [lookoutVisionArn('project/circuit-boards'), lookoutVisionArn('project/weld-seams')],
      },
    ]);
  });

  it("attaches the hosting permissions to the functions' role as a policy of their own", () => {
    expect(template.Resources.HostingPolicy).toMatchObject({
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'model-shift-scheduler-test-hosting',
        Roles: [{ Ref: 'IamRoleLambdaExecution' }],
        PolicyDocument: { Version: '2012-10-17' },
      },
    });
    for (const name of ['ReconcileLambdaFunction', 'ShiftEdgeLambdaFunction'])
      expect(template.Resources[name]?.DependsOn).toContain('HostingPolicy');
    const hosting = statementsIn(template.Resources.HostingPolicy);
    expect(hosting.map((statement) => asList(statement.Action)[0])).toEqual([
      'lookoutvision:StartModel',
      'lookoutvision:ListModels',
    ]);
    expect(
      statementsIn(template).some((statement) =>
        String(asList(statement.Action)[0]).startsWith('rekognition:'),
      ),
    ).toBe(false);
  });

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
    await oslsPackage(join(dir, 'mixed'), { args: [`--param=shifts=${mixed}`] });
    await oslsPackage(join(dir, 'rekognition-only'), { env: { SHIFTS_FILE: rekognitionOnly } });
    const [withBoth, withRekognition] = await Promise.all(
      ['mixed', 'rekognition-only'].map(
        async (name) =>
          JSON.parse(
            await readFile(join(dir, name, 'cloudformation-template-update-stack.json'), 'utf8'),
          ) as Template,
      ),
    );
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
    expect(statementsIn(withBoth?.Resources.HostingPolicy)).toEqual([
      {
        Effect: 'Allow',
        Action: ['lookoutvision:StartModel', 'lookoutvision:StopModel', 'lookoutvision:DescribeModel'],
        Resource: [lookoutVisionArn('model/circuit-boards/3')],
      },
      {
        Effect: 'Allow',
        Action: ['lookoutvision:ListModels'],
        Resource: [lookoutVisionArn('project/circuit-boards')],
      },
      ...rekognitionStatements,
    ]);
    // Without Lookout for Vision models there is no Lookout for Vision statement (one without resources is invalid).
    expect(statementsIn(withRekognition?.Resources.HostingPolicy)).toEqual(rekognitionStatements);
    for (const packaged of [withBoth, withRekognition]) {
      const rekognitionAnywhere = statementsIn(packaged).filter((statement) =>
        asList(statement.Action).some((action) => String(action).startsWith('rekognition:')),
      );
      expect(rekognitionAnywhere).toEqual(rekognitionStatements);
      for (const statement of statementsIn(packaged)) {
        if ('Resource' in statement) expect(asList(statement.Resource)).not.toContain('*');
        expect(statement).not.toHaveProperty('NotResource');
      }
    }
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
    for (const statement of sendStatements) expect(asList(statement.Resource)).toEqual([queueArn]);
  });

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
