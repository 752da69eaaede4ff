import { ProjectVersionStatus } from '@aws-sdk/client-rekognition';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../src/emulator/clock.ts';
import type { WireResponse } from '../../../../../src/emulator/wire.ts';
import {
  projectNameOfArn,
  type RekognitionApiRequest,
  RekognitionEngine,
  type RekognitionEngineOptions,
  type ProjectVersionStatus as Status,
  type VersionAddress,
} from '../../../../../src/providers/rekognition/emulator/engine.ts';

const minute = 60_000;
const hour = 60 * minute;
const board: VersionAddress = { projectName: 'circuit-boards', versionName: 'v3' };

const setup = (options: Partial<RekognitionEngineOptions> = {}) => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const engine = new RekognitionEngine({
    clock,
    startLatency: 10 * minute,
    stopLatency: 2 * minute,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    ...options,
  });
  const seeded = engine.seedModel(board);
  return { clock, engine, arn: seeded.projectVersionArn, projectArn: seeded.projectArn };
};

const start = (arn: string, min: unknown = 2, max?: unknown): RekognitionApiRequest => ({
  api: 'StartProjectVersion',
  body: {
    ProjectVersionArn: arn,
    MinInferenceUnits: min,
    ...(max === undefined ? {} : { MaxInferenceUnits: max }),
  },
});
const stop = (arn: string): RekognitionApiRequest => ({
  api: 'StopProjectVersion',
  body: { ProjectVersionArn: arn },
});
const describeVersions = (
  projectArn: string,
  extra: Record<string, unknown> = {},
): RekognitionApiRequest => ({
  api: 'DescribeProjectVersions',
  body: { ProjectArn: projectArn, ...extra },
});
const errorTypeOf = (response: WireResponse): unknown => (response.body as { __type?: unknown }).__type;
const statusOf = (engine: RekognitionEngine, address = board): string => engine.model(address).status;

describe('hosting state machine on a virtual clock', () => {
  it('starts a trained version, runs it after the start latency, and is stopped after the stop latency', () => {
    // Prepare
    const { clock, engine, arn } = setup();

    // Act
    const accepted = engine.handle(start(arn, 2, 4));
    const starting = statusOf(engine);
    clock.advance(10 * minute - 1);
    const stillStarting = statusOf(engine);
    clock.advance(1);
    const running = engine.model(board);
    const stopping = engine.handle(stop(arn));
    const duringStop = statusOf(engine);
    clock.advance(2 * minute);

    // Assess
    expect(accepted).toEqual({ httpStatus: 200, body: { Status: 'STARTING' } });
    expect([starting, stillStarting]).toEqual(['STARTING', 'STARTING']);
    expect(running).toMatchObject({ status: 'RUNNING', minInferenceUnits: 2, maxInferenceUnits: 4 });
    expect(stopping).toEqual({ httpStatus: 200, body: { Status: 'STOPPING' } });
    expect(duringStop).toBe('STOPPING');
    expect(statusOf(engine)).toBe('STOPPED');
  });

  it('settles each transition at its own instant when the clock jumps a week', () => {
    // Prepare
    const { clock, engine, arn } = setup();
    engine.handle(start(arn, 3));
    clock.advance(10 * minute);
    engine.handle(stop(arn));

    // Act
    clock.advance(7 * 24 * hour);
    const ledger = engine.ledger();

    // Assess: billed from the start to the end of the stop, 12 minutes at 3 units.
    expect(statusOf(engine)).toBe('STOPPED');
    expect(ledger.runs).toEqual([
      expect.objectContaining({
        outcome: 'stopped',
        startedAt: new Date('2027-03-26T04:00:00Z'),
        endedAt: new Date('2027-03-26T04:12:00Z'),
        unitMinutes: 36,
      }),
    ]);
  });

  it('ends a start in FAILED when told to, closes the billing run there, and may be started again', () => {
    // Prepare
    const { clock, engine, arn } = setup();
    engine.failNextStarts(board);

    // Act
    engine.handle(start(arn, 1));
    clock.advance(hour);
    const failed = engine.model(board);
    const restart = engine.handle(start(arn, 1));

    // Assess
    expect(failed.status).toBe('FAILED');
    expect(failed.statusMessage.length).toBeGreaterThan(0);
    expect(restart.httpStatus).toBe(200);
    expect(engine.ledger().runs.map((run) => [run.outcome, run.unitMinutes])).toEqual([
      ['failed', 10],
      ['running', 0],
    ]);
  });

  it('reports the units of DescribeProjectVersions with ARN, status and creation time', () => {
    // Prepare
    const { engine, arn, projectArn } = setup();
    engine.handle(start(arn, 2));

    // Act
    const response = engine.handle(describeVersions(projectArn, { VersionNames: [board.versionName] }));

    // Assess
    expect(response).toEqual({
      httpStatus: 200,
      body: {
        ProjectVersionDescriptions: [
          {
            ProjectVersionArn: arn,
            CreationTimestamp: Date.parse('2027-03-26T04:00:00Z') / 1000,
            Status: 'STARTING',
            StatusMessage: expect.any(String),
            MinInferenceUnits: 2,
            Feature: 'CUSTOM_LABELS',
          },
        ],
      },
    });
  });

  it('names projects and versions with ARNs in the service format', () => {
    // Prepare
    const { arn, projectArn } = setup({ region: 'eu-central-1', accountId: '210987654321' });
    const at = Date.parse('2027-03-26T04:00:00Z');

    // Assess
    expect(projectArn).toBe(`arn:aws:rekognition:eu-central-1:210987654321:project/circuit-boards/${at}`);
    expect(arn).toBe(`arn:aws:rekognition:eu-central-1:210987654321:project/circuit-boards/version/v3/${at}`);
    expect(projectNameOfArn(projectArn)).toBe('circuit-boards');
  });
});

describe('every status of the service model', () => {
  /** The service's own list, so a status added to the SDK shows up here. */
  const statuses = Object.values(ProjectVersionStatus) as Status[];
  const startable: readonly Status[] = ['TRAINING_COMPLETED', 'COPYING_COMPLETED', 'STOPPED', 'FAILED'];

  it.each(statuses)('holds a version seeded %s and describes it so', (status) => {
    // Prepare
    const { engine, projectArn } = setup();

    // Act
    engine.seedModel({ ...board, status, minInferenceUnits: 2 });
    const response = engine.handle(describeVersions(projectArn, { VersionNames: [board.versionName] }));

    // Assess
    expect(response.body).toMatchObject({ ProjectVersionDescriptions: [{ Status: status }] });
  });

  it.each([
    ['STARTING', 'RUNNING'],
    ['STOPPING', 'STOPPED'],
  ] as const)('moves a version seeded %s on to %s, billing its units until then', (status, next) => {
    // Prepare
    const { clock, engine } = setup();
    engine.seedModel({ ...board, status, minInferenceUnits: 2 });

    // Act
    const seeded = engine.model(board);
    clock.advance(hour);

    // Assess
    expect(seeded).toMatchObject({ status, minInferenceUnits: 2, transitionDueAt: expect.any(Date) });
    expect(statusOf(engine)).toBe(next);
    expect(engine.ledger().runs).toEqual([expect.objectContaining({ minInferenceUnits: 2 })]);
  });

  it.each(startable)('accepts a start from %s', (status) => {
    // Prepare
    const { engine } = setup();
    const { projectVersionArn } = engine.seedModel({ ...board, status });

    // Act
    const response = engine.handle(start(projectVersionArn));

    // Assess
    expect(response).toMatchObject({ httpStatus: 200, body: { Status: 'STARTING' } });
  });

  it.each(statuses.filter((status) => !startable.includes(status)))(
    'refuses a start from %s as ResourceInUseException',
    (status) => {
      // Prepare
      const { engine } = setup();
      const { projectVersionArn } = engine.seedModel({ ...board, status });

      // Act
      const response = engine.handle(start(projectVersionArn));

      // Assess
      expect(errorTypeOf(response)).toBe('ResourceInUseException');
      expect(statusOf(engine)).toBe(status);
    },
  );
});

describe('refusals', () => {
  it.each(['STARTING', 'RUNNING'])('refuses a start while %s as ResourceInUseException', (status) => {
    // Prepare
    const { clock, engine, arn } = setup();
    engine.handle(start(arn));
    if (status === 'RUNNING') clock.advance(hour);

    // Act
    const response = engine.handle(start(arn));

    // Assess
    expect(statusOf(engine)).toBe(status);
    expect([response.httpStatus, errorTypeOf(response)]).toEqual([400, 'ResourceInUseException']);
  });

  it.each(['TRAINING_COMPLETED', 'STARTING', 'STOPPING'])(
    'refuses a stop while %s as ResourceInUseException',
    (status) => {
      // Prepare
      const { clock, engine, arn } = setup();
      if (status !== 'TRAINING_COMPLETED') engine.handle(start(arn));
      if (status === 'STOPPING') {
        clock.advance(hour);
        engine.handle(stop(arn));
      }

      // Act
      const response = engine.handle(stop(arn));

      // Assess
      expect(statusOf(engine)).toBe(status);
      expect(errorTypeOf(response)).toBe('ResourceInUseException');
    },
  );

  it('answers ResourceNotFoundException for an unknown version, an unknown project and a stale ARN', () => {
    // Prepare
    const { clock, engine, arn, projectArn } = setup();
    clock.advance(1_000);
    engine.seedModel(board); // trained again under the same name: a new ARN

    // Act
    const responses = [
      engine.handle(start(arn.replace('/version/v3/', '/version/v4/'))),
      engine.handle(describeVersions(projectArn.replace('circuit-boards', 'welds'))),
      engine.handle(start(arn)),
    ];

    // Assess
    expect(responses.map(errorTypeOf)).toEqual(Array(3).fill('ResourceNotFoundException'));
  });

  it.each([
    ['zero units', start('ARN', 0)],
    ['fractional units', start('ARN', 1.5)],
    ['units as a string', start('ARN', '2')],
    ['max below min', start('ARN', 3, 2)],
    ['max of zero', start('ARN', 1, 0)],
    ['a malformed version ARN', start('arn:aws:rekognition:us-east-1:123456789012:model/x', 1)],
    ['eleven version names', describeVersions('PROJECT', { VersionNames: Array(11).fill('v1') })],
    ['no version names in the list', describeVersions('PROJECT', { VersionNames: [] })],
    ['MaxResults of 0', describeVersions('PROJECT', { MaxResults: 0 })],
    ['MaxResults over 100', describeVersions('PROJECT', { MaxResults: 101 })],
    ['a malformed project ARN', describeVersions('circuit-boards')],
  ])('refuses %s as InvalidParameterException', (_, template) => {
    // Prepare
    const { engine, arn, projectArn } = setup();
    const body = JSON.parse(
      JSON.stringify(template.body)
        .replace('"ARN"', JSON.stringify(arn))
        .replace('"PROJECT"', JSON.stringify(projectArn)),
    );

    // Act
    const response = engine.handle({ api: template.api, body });

    // Assess
    expect([response.httpStatus, errorTypeOf(response)]).toEqual([400, 'InvalidParameterException']);
    expect(statusOf(engine)).toBe('TRAINING_COMPLETED');
  });

  it('answers LimitExceededException when a start would exceed the inference unit quota', () => {
    // Prepare
    const { engine, arn } = setup({ inferenceUnitQuota: 4 });
    const other = engine.seedModel({ projectName: 'welds', versionName: 'v1' }).projectVersionArn;
    engine.handle(start(arn, 3));

    // Act
    const over = engine.handle(start(other, 2));
    const fits = engine.handle(start(other, 1));

    // Assess
    expect(errorTypeOf(over)).toBe('LimitExceededException');
    expect(fits.httpStatus).toBe(200);
  });
});

describe('DescribeProjectVersions', () => {
  const seedVersions = (engine: RekognitionEngine, clock: VirtualClock, count: number) => {
    for (let index = 1; index <= count; index += 1) {
      clock.advance(1_000);
      engine.seedModel({ projectName: 'lines', versionName: `v${index}` });
    }
    return engine.seedProject('lines');
  };
  const namesOf = (response: WireResponse): string[] =>
    (
      response.body as { ProjectVersionDescriptions: { ProjectVersionArn: string }[] }
    ).ProjectVersionDescriptions.map((description) => description.ProjectVersionArn.split('/')[3] ?? '');

  it('pages from the newest version to the oldest with an opaque NextToken', () => {
    // Prepare
    const { clock, engine } = setup({ defaultPageSize: 2 });
    const projectArn = seedVersions(engine, clock, 5);

    // Act
    const pages: string[][] = [];
    let nextToken: unknown;
    do {
      const response = engine.handle(
        describeVersions(projectArn, nextToken === undefined ? {} : { NextToken: nextToken }),
      );
      pages.push(namesOf(response));
      nextToken = (response.body as { NextToken?: string }).NextToken;
    } while (nextToken !== undefined);

    // Assess
    expect(pages).toEqual([['v5', 'v4'], ['v3', 'v2'], ['v1']]);
  });

  it('filters by version names, ignoring names the project does not have, and honours MaxResults', () => {
    // Prepare
    const { clock, engine } = setup();
    const projectArn = seedVersions(engine, clock, 5);

    // Act
    const response = engine.handle(
      describeVersions(projectArn, { VersionNames: ['v1', 'v4', 'v9', 'v2'], MaxResults: 2 }),
    );

    // Assess
    expect(namesOf(response)).toEqual(['v4', 'v2']);
    expect((response.body as { NextToken?: string }).NextToken).toEqual(expect.any(String));
  });

  it("refuses another project's NextToken as InvalidPaginationTokenException", () => {
    // Prepare
    const { clock, engine, projectArn } = setup({ defaultPageSize: 2 });
    const lines = seedVersions(engine, clock, 3);
    const token = (engine.handle(describeVersions(lines)).body as { NextToken: string }).NextToken;

    // Act
    const response = engine.handle(describeVersions(projectArn, { NextToken: token }));

    // Assess
    expect(errorTypeOf(response)).toBe('InvalidPaginationTokenException');
  });
});

describe('quota and faults', () => {
  it('throttles a sixth request within a second per API, with Retry-After, and refills in real time', () => {
    // Prepare
    let nowMs = 0;
    const { engine, arn, projectArn } = setup({ requestsPerSecond: 5, monotonicNowMs: () => nowMs });

    // Act
    const burst = Array.from({ length: 6 }, () => engine.handle(describeVersions(projectArn)).httpStatus);
    const otherApi = engine.handle(start(arn));
    nowMs += 200;
    const refilled = engine.handle(describeVersions(projectArn));

    // Assess
    expect(burst).toEqual([200, 200, 200, 200, 200, 500]);
    expect(engine.callLog()[5]).toMatchObject({ errorType: 'ThrottlingException', outcome: 'error' });
    expect(otherApi.httpStatus).toBe(200);
    expect(refilled.httpStatus).toBe(200);
  });

  it('sends throttling as the JSON 1.1 error shape with a Retry-After header', () => {
    // Prepare
    const { engine, projectArn } = setup({ retryAfterSeconds: 0 });
    engine.injectError({
      api: 'DescribeProjectVersions',
      error: 'ThrottlingException',
      message: 'Slow down.',
    });

    // Act
    const response = engine.handle(describeVersions(projectArn));

    // Assess
    expect(response).toEqual({
      httpStatus: 500,
      body: {
        __type: 'ThrottlingException',
        Code: 'ThrottlingException',
        Message: 'Slow down.',
        message: 'Slow down.',
      },
      headers: { 'Retry-After': '0' },
    });
  });

  it.each([
    ['AccessDeniedException', 400],
    ['LimitExceededException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InternalServerError', 500],
  ] as const)('answers an injected %s with HTTP %s the given number of times', (error, httpStatus) => {
    // Prepare
    const { engine, arn } = setup();
    engine.injectError({ api: 'StartProjectVersion', error, times: 2 });

    // Act
    const responses = [engine.handle(start(arn)), engine.handle(start(arn)), engine.handle(start(arn))];

    // Assess
    expect(responses.map((response) => [response.httpStatus, errorTypeOf(response)])).toEqual([
      [httpStatus, error],
      [httpStatus, error],
      [200, undefined],
    ]);
  });

  it('aims an injected fault at one project version only', () => {
    // Prepare
    const { engine, arn } = setup();
    const other = engine.seedModel({ projectName: 'circuit-boards', versionName: 'v4' }).projectVersionArn;
    engine.injectError({ api: 'StartProjectVersion', error: 'AccessDeniedException', ...board });

    // Act
    const [untouched, hit] = [engine.handle(start(other)), engine.handle(start(arn))];

    // Assess
    expect([untouched.httpStatus, errorTypeOf(hit)]).toEqual([200, 'AccessDeniedException']);
  });

  it('replays the same random faults and latencies with the same seed', () => {
    // Prepare
    const run = (seed: number) => {
      const { engine, arn, projectArn } = setup({
        seed,
        startLatency: { minMs: minute, maxMs: 20 * minute },
        faults: { internalErrorProbability: { DescribeProjectVersions: 0.5 } },
      });
      const answers = Array.from(
        { length: 20 },
        () => engine.handle(describeVersions(projectArn)).httpStatus,
      );
      engine.handle(start(arn));
      return { answers, due: engine.model(board).transitionDueAt?.getTime() };
    };

    // Act
    const [first, again, other] = [run(7), run(7), run(8)];

    // Assess
    expect(again).toEqual(first);
    expect(first.answers).toContain(500);
    expect(first.answers).toContain(200);
    expect(other).not.toEqual(first);
  });
});

describe('administration', () => {
  it('logs each request with its ARNs and outcome', () => {
    // Prepare
    const { engine, arn, projectArn } = setup();

    // Act
    engine.handle(describeVersions(projectArn));
    engine.handle(start(arn));
    engine.handle(stop(arn));

    // Assess
    expect(
      engine.callLog().map(({ seq, api, projectArn: project, projectVersionArn, outcome, errorType }) => ({
        seq,
        api,
        project,
        projectVersionArn,
        outcome,
        errorType,
      })),
    ).toEqual([
      {
        seq: 1,
        api: 'DescribeProjectVersions',
        project: projectArn,
        projectVersionArn: undefined,
        outcome: 'ok',
        errorType: undefined,
      },
      {
        seq: 2,
        api: 'StartProjectVersion',
        project: undefined,
        projectVersionArn: arn,
        outcome: 'accepted',
        errorType: undefined,
      },
      {
        seq: 3,
        api: 'StopProjectVersion',
        project: undefined,
        projectVersionArn: arn,
        outcome: 'error',
        errorType: 'ResourceInUseException',
      },
    ]);
  });

  it('bills a version seeded RUNNING from the seeding instant and can stop it', () => {
    // Prepare
    const { clock, engine } = setup();
    const running = engine.seedModel({
      projectName: 'welds',
      versionName: 'v1',
      status: 'RUNNING',
      minInferenceUnits: 2,
    });

    // Act
    clock.advance(hour);
    const stopped = engine.handle(stop(running.projectVersionArn));
    clock.advance(hour);

    // Assess
    expect(stopped.httpStatus).toBe(200);
    expect(engine.ledger().unitMinutesByModel).toEqual({ 'welds/v1': 2 * 62 });
  });

  it('forgets everything on reset but keeps the clock', () => {
    // Prepare
    const { clock, engine, arn } = setup();
    engine.handle(start(arn));
    clock.advance(hour);

    // Act
    engine.reset();

    // Assess
    expect([engine.models(), engine.callLog(), engine.ledger().runs]).toEqual([[], [], []]);
    expect(clock.now()).toEqual(new Date('2027-03-26T05:00:00Z'));
  });

  it('bills min units × minutes from start until the stop completes, for any latencies and hold time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 10 }),
        (units, startMinutes, heldMinutes, stopMinutes) => {
          // Prepare
          const { clock, engine, arn } = setup({
            startLatency: startMinutes * minute,
            stopLatency: stopMinutes * minute,
          });

          // Act
          engine.handle(start(arn, units));
          clock.advance((startMinutes + heldMinutes) * minute);
          engine.handle(stop(arn));
          clock.advance(24 * hour);

          // Assess
          expect(engine.ledger().totalUnitMinutes).toBe(units * (startMinutes + heldMinutes + stopMinutes));
        },
      ),
    );
  });
});
