import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../src/emulator/clock.ts';
import {
  type ApiRequest,
  LookoutVisionEngine,
  type LookoutVisionEngineOptions,
  type ModelAddress,
} from '../../../../../src/providers/lookoutvision/emulator/engine.ts';

const minute = 60_000;
const hour = 60 * minute;
const board: ModelAddress = { projectName: 'circuit-boards', modelVersion: '3' };

const setup = (options: Partial<LookoutVisionEngineOptions> = {}) => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const engine = new LookoutVisionEngine({
    clock,
    startLatency: 10 * minute,
    stopLatency: 2 * minute,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    ...options,
  });
  engine.seedModel(board);
  return { clock, engine };
};

const start = (
  units: { min?: unknown; max?: unknown } = { min: 2 },
  token?: string,
  address = board,
): ApiRequest => ({
  api: 'StartModel',
  ...address,
  ...(token === undefined ? {} : { clientToken: token }),
  body: {
    MinInferenceUnits: units.min,
    ...(units.max === undefined ? {} : { MaxInferenceUnits: units.max }),
  },
});
const stop = (token?: string, address = board): ApiRequest => ({
  api: 'StopModel',
  ...address,
  ...(token === undefined ? {} : { clientToken: token }),
});
const describeModel = (address = board): ApiRequest => ({ api: 'DescribeModel', ...address });
const statusOf = (engine: LookoutVisionEngine): string => engine.model(board).status;
const errorTypeOf = (response: { headers?: Readonly<Record<string, string>> }): string | undefined =>
  response.headers?.['x-amzn-ErrorType'];

describe('hosting state machine on a virtual clock', () => {
  it('starts a trained model, hosts it after the start latency, and is trained again after the stop latency', () => {
    // Prepare
    const { clock, engine } = setup();

    // Act
    const accepted = engine.handle(start({ min: 2, max: 4 }, 'start-1'));
    const starting = statusOf(engine);
    clock.advance(10 * minute - 1);
    const stillStarting = statusOf(engine);
    clock.advance(1);
    const hosted = engine.model(board);
    const stopping = engine.handle(stop('stop-1'));
    clock.advance(2 * minute);

    // Assess
    expect(accepted).toEqual({ httpStatus: 202, body: { Status: 'STARTING_HOSTING' } });
    expect([starting, stillStarting]).toEqual(['STARTING_HOSTING', 'STARTING_HOSTING']);
    expect(hosted).toMatchObject({ status: 'HOSTED', minInferenceUnits: 2, maxInferenceUnits: 4 });
    expect(stopping).toEqual({ httpStatus: 202, body: { Status: 'STOPPING_HOSTING' } });
    expect(statusOf(engine)).toBe('TRAINED');
  });

  it('settles a transition at its own instant even when the clock jumps a week', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start());
    clock.advance(10 * minute);
    engine.handle(stop());

    // Act
    clock.advance(7 * 24 * hour);
    const ledger = engine.ledger();

    // Assess: billed 2 units from accept (04:00) until the stop completed (04:12), not a week.
    expect(statusOf(engine)).toBe('TRAINED');
    expect(ledger.runs).toEqual([
      expect.objectContaining({
        startedAt: new Date('2027-03-26T04:00:00Z'),
        endedAt: new Date('2027-03-26T04:12:00Z'),
        outcome: 'stopped',
        unitMinutes: 24,
      }),
    ]);
  });

  it('ends a start in HOSTING_FAILED when a failure is injected, and bills only until the failure', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.failNextStarts(board, 1);

    // Act
    engine.handle(start({ min: 3 }));
    clock.advance(hour);
    const failed = engine.model(board);
    const retried = engine.handle(start({ min: 3 }));

    // Assess
    expect(failed.status).toBe('HOSTING_FAILED');
    expect(retried.httpStatus).toBe(202);
    expect(engine.ledger().runs[0]).toMatchObject({ outcome: 'failed', unitMinutes: 30 });
  });

  it('goes through SYSTEM_UPDATING on demand and comes back HOSTED', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start());
    clock.advance(10 * minute);

    // Act
    engine.beginSystemUpdate(board, 5 * minute);
    const updating = statusOf(engine);
    const startWhileUpdating = engine.handle(start({ min: 2 }, 'other'));
    clock.advance(5 * minute);

    // Assess
    expect(updating).toBe('SYSTEM_UPDATING');
    expect(errorTypeOf(startWhileUpdating)).toBe('ConflictException');
    expect(statusOf(engine)).toBe('HOSTED');
  });

  it('draws the same latencies from the same seed and different ones from another', () => {
    // Prepare
    const hostedAfter = (seed: number): number => {
      const { clock, engine } = setup({ seed, startLatency: { minMs: 5 * minute, maxMs: 30 * minute } });
      engine.handle(start());
      return (engine.model(board).transitionDueAt?.getTime() ?? 0) - clock.now().getTime();
    };

    // Act
    const first = hostedAfter(42);
    const again = hostedAfter(42);
    const other = hostedAfter(7);

    // Assess
    expect(first).toBe(again);
    expect(first).not.toBe(other);
    expect(first).toBeGreaterThanOrEqual(5 * minute);
    expect(first).toBeLessThanOrEqual(30 * minute);
  });

  it('uses a per-model latency over the default', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.setLatencies({ start: minute }, board);

    // Act
    engine.handle(start());
    clock.advance(minute);

    // Assess
    expect(statusOf(engine)).toBe('HOSTED');
  });
});

describe('conflicts and validation', () => {
  it('refuses a second start with a new token while the model is starting or hosted', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start({ min: 2 }, 'first'));

    // Act
    const whileStarting = engine.handle(start({ min: 2 }, 'second'));
    clock.advance(hour);
    const whileHosted = engine.handle(start({ min: 2 }, 'third'));

    // Assess
    for (const response of [whileStarting, whileHosted]) {
      expect(response.httpStatus).toBe(409);
      expect(errorTypeOf(response)).toBe('ConflictException');
      expect(response.body).toMatchObject({
        ResourceType: 'MODEL',
        ResourceId: expect.stringContaining('model/'),
      });
    }
  });

  it('refuses to stop a model that is not running', () => {
    // Prepare
    const { engine } = setup();

    // Act
    const stopTrained = engine.handle(stop('s1'));
    engine.handle(start());
    const stopStarting = engine.handle(stop('s2'));

    // Assess
    expect(errorTypeOf(stopTrained)).toBe('ConflictException');
    expect(errorTypeOf(stopStarting)).toBe('ConflictException');
  });

  it.each([
    ['zero units', { min: 0 }],
    ['fractional units', { min: 1.5 }],
    ['missing units', {}],
    ['max below min', { min: 3, max: 2 }],
    ['max below one', { min: 1, max: 0 }],
  ])('answers ValidationException for %s', (_, units) => {
    // Prepare
    const { engine } = setup();

    // Act
    const response = engine.handle(start(units, 'token'));

    // Assess
    expect(response.httpStatus).toBe(400);
    expect(errorTypeOf(response)).toBe('ValidationException');
    expect(statusOf(engine)).toBe('TRAINED');
  });

  it.each(['', 'has space', 'under_score', 'x'.repeat(65)])('refuses the client token %j', (token) => {
    // Prepare
    const { engine } = setup();

    // Act
    const response = engine.handle(start({ min: 1 }, token));

    // Assess
    expect(errorTypeOf(response)).toBe('ValidationException');
  });

  it('answers ResourceNotFoundException naming a project or a model that does not exist', () => {
    // Prepare
    const { engine } = setup();

    // Act
    const noProject = engine.handle(describeModel({ projectName: 'nope', modelVersion: '1' }));
    const noVersion = engine.handle(
      start({ min: 1 }, 't', { projectName: 'circuit-boards', modelVersion: '9' }),
    );

    // Assess
    expect(noProject).toMatchObject({
      httpStatus: 404,
      body: { ResourceType: 'PROJECT', ResourceId: 'nope' },
    });
    expect(noVersion).toMatchObject({ httpStatus: 404, body: { ResourceType: 'MODEL', ResourceId: '9' } });
  });

  it('refuses a start over the inference-unit quota with ServiceQuotaExceededException', () => {
    // Prepare
    const { engine } = setup({ inferenceUnitQuota: 4 });
    engine.seedModel({ projectName: 'weld-seams', modelVersion: '1' });
    engine.handle(start({ min: 3 }));

    // Act
    const response = engine.handle(
      start({ min: 2 }, undefined, { projectName: 'weld-seams', modelVersion: '1' }),
    );

    // Assess
    expect(response.httpStatus).toBe(402);
    expect(errorTypeOf(response)).toBe('ServiceQuotaExceededException');
  });
});

describe('client tokens', () => {
  it('replays the first answer for the same token and parameters and changes nothing', () => {
    // Prepare
    const { clock, engine } = setup();
    const first = engine.handle(start({ min: 2 }, 'shift-early'));
    clock.advance(hour);

    // Act
    const replay = engine.handle(start({ min: 2 }, 'shift-early'));

    // Assess: the first answer although the model is HOSTED now, and one run only.
    expect(replay).toEqual(first);
    expect(statusOf(engine)).toBe('HOSTED');
    expect(engine.ledger().runs).toHaveLength(1);
    expect(engine.callLog().map((call) => call.outcome)).toEqual(['accepted', 'replayed']);
  });

  it('replays a stop after it completed instead of answering that the model is not running', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start({ min: 1 }, 'start-token'));
    clock.advance(hour);
    const first = engine.handle(stop('stop-token'));
    clock.advance(hour);

    // Act
    const replay = engine.handle(stop('stop-token'));

    // Assess
    expect(replay).toEqual(first);
    expect(statusOf(engine)).toBe('TRAINED');
  });

  it('answers ValidationException for the same token with other parameters', () => {
    // Prepare
    const { engine } = setup();
    engine.handle(start({ min: 2 }, 'shift-early'));

    // Act
    const response = engine.handle(start({ min: 3 }, 'shift-early'));

    // Assess
    expect(errorTypeOf(response)).toBe('ValidationException');
    expect(response.body).toMatchObject({ message: expect.stringContaining('different parameters') });
  });

  it('treats a token older than 8 hours as new', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start({ min: 2 }, 'shift-early'));
    clock.advance(8 * hour);

    // Act: the model is HOSTED, so a new start is a conflict rather than a replay.
    const response = engine.handle(start({ min: 2 }, 'shift-early'));

    // Assess
    expect(errorTypeOf(response)).toBe('ConflictException');
  });

  it('keeps start and stop tokens apart', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start({ min: 1 }, 'same'));
    clock.advance(hour);

    // Act
    const response = engine.handle(stop('same'));

    // Assess
    expect(response.httpStatus).toBe(202);
  });
});

describe('quota and faults', () => {
  it('throttles a burst over the per-API quota and recovers after a second', () => {
    // Prepare
    let monotonicMs = 0;
    const { engine } = setup({ requestsPerSecond: 5, monotonicNowMs: () => monotonicMs });

    // Act
    const burst = Array.from({ length: 7 }, () => engine.handle(describeModel()).httpStatus);
    const otherApi = engine.handle({ api: 'ListModels', projectName: 'circuit-boards' }).httpStatus;
    monotonicMs += 1000;
    const later = engine.handle(describeModel());

    // Assess
    expect(burst).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(otherApi).toBe(200);
    expect(later.httpStatus).toBe(200);
  });

  it('sends Retry-After and the quota codes with a throttled answer', () => {
    // Prepare
    const { engine } = setup({ requestsPerSecond: 1, monotonicNowMs: () => 0 });
    engine.handle(describeModel());

    // Act
    const response = engine.handle(describeModel());

    // Assess
    expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': 'ThrottlingException', 'Retry-After': '1' });
    expect(response.body).toMatchObject({ ServiceCode: 'lookoutvision', QuotaCode: expect.any(String) });
  });

  it('answers injected errors for the matching API and model only, as often as asked', () => {
    // Prepare
    const { engine } = setup();
    engine.seedModel({ projectName: 'weld-seams', modelVersion: '1' });
    engine.injectError({
      api: 'DescribeModel',
      error: 'AccessDeniedException',
      times: 2,
      projectName: 'weld-seams',
    });

    // Act
    const other = engine.handle(describeModel());
    const first = engine.handle(describeModel({ projectName: 'weld-seams', modelVersion: '1' }));
    const second = engine.handle(describeModel({ projectName: 'weld-seams', modelVersion: '1' }));
    const third = engine.handle(describeModel({ projectName: 'weld-seams', modelVersion: '1' }));

    // Assess
    expect(other.httpStatus).toBe(200);
    expect([first.httpStatus, second.httpStatus, third.httpStatus]).toEqual([403, 403, 200]);
  });

  it('repeats the same random faults for the same seed', () => {
    // Prepare
    const run = (): number[] => {
      const { engine } = setup({ seed: 99, faults: { internalErrorProbability: { DescribeModel: 0.5 } } });
      return Array.from({ length: 20 }, () => engine.handle(describeModel()).httpStatus);
    };

    // Act
    const first = run();
    const second = run();

    // Assess
    expect(first).toEqual(second);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('fails starts at the configured probability', () => {
    // Prepare
    const { clock, engine } = setup({ faults: { hostingFailureProbability: 1 } });

    // Act
    engine.handle(start());
    clock.advance(hour);

    // Assess
    expect(statusOf(engine)).toBe('HOSTING_FAILED');
  });
});

describe('listing and inference', () => {
  it('pages through ListModels with maxResults and nextToken', () => {
    // Prepare
    const { engine } = setup();
    for (const version of ['1', '2', '4', '5'])
      engine.seedModel({ projectName: 'circuit-boards', modelVersion: version });

    // Act
    const versions: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const response = engine.handle({
        api: 'ListModels',
        projectName: 'circuit-boards',
        maxResults: '2',
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      const body = response.body as { Models: { ModelVersion: string }[]; NextToken?: string };
      versions.push(...body.Models.map((model) => model.ModelVersion));
      nextToken = body.NextToken;
      pages += 1;
    } while (nextToken);

    // Assess
    expect(versions).toEqual(['1', '2', '3', '4', '5']);
    expect(pages).toBe(3);
  });

  it('refuses a next token from another project', () => {
    // Prepare
    const { engine } = setup();
    engine.seedModel({ projectName: 'circuit-boards', modelVersion: '4' });
    engine.seedModel({ projectName: 'weld-seams', modelVersion: '1' });
    const first = engine.handle({ api: 'ListModels', projectName: 'circuit-boards', maxResults: '1' });
    const { NextToken } = first.body as { NextToken: string };

    // Act
    const response = engine.handle({ api: 'ListModels', projectName: 'weld-seams', nextToken: NextToken });

    // Assess
    expect(errorTypeOf(response)).toBe('ValidationException');
  });

  it('detects anomalies only while the model is hosted', () => {
    // Prepare
    const { clock, engine } = setup();
    const detect: ApiRequest = {
      api: 'DetectAnomalies',
      ...board,
      contentType: 'image/png',
      body: new Uint8Array([137, 80, 78, 71]),
    };

    // Act
    const beforeStart = engine.handle(detect);
    engine.handle(start());
    clock.advance(hour);
    const whileHosted = engine.handle(detect);

    // Assess
    expect(errorTypeOf(beforeStart)).toBe('ConflictException');
    expect(whileHosted).toMatchObject({
      httpStatus: 200,
      body: { DetectAnomalyResult: { IsAnomalous: expect.any(Boolean), Confidence: expect.any(Number) } },
    });
  });
});

describe('ledger and reset', () => {
  it('bills a run still hosted up to now, per model', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.seedModel({
      projectName: 'weld-seams',
      modelVersion: '1',
      status: 'HOSTED',
      minInferenceUnits: 1,
    });
    engine.handle(start({ min: 2, max: 4 }));

    // Act
    clock.advance(8 * hour);
    const ledger = engine.ledger();

    // Assess: 2 units × 8 h and 1 unit × 8 h.
    expect(ledger.unitMinutesByModel).toEqual({ 'circuit-boards/3': 960, 'weld-seams/1': 480 });
    expect(ledger.totalUnitMinutes).toBe(1440);
    expect(ledger.runs.every((run) => run.outcome === 'running' && run.endedAt === null)).toBe(true);
  });

  it('forgets models, tokens, ledger and calls on reset but keeps the clock', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(start({ min: 1 }, 'tok'));
    clock.advance(minute);
    const now = clock.now();

    // Act
    engine.reset();

    // Assess
    expect(engine.models()).toEqual([]);
    expect(engine.callLog()).toEqual([]);
    expect(engine.ledger().runs).toEqual([]);
    expect(clock.now()).toEqual(now);
  });
});
