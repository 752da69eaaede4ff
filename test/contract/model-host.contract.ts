/**
 * The one contract every `ModelHost` adapter keeps, whatever service is behind it. A test file
 * per implementation calls `describeModelHostContract` with a backend that can set the service up.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HostingError,
  type HostingErrorCode,
  type ModelHost,
  type ModelRef,
} from '../../src/hosting/model-host.ts';
import { refKey } from '../../src/providers/registry.ts';

/** The host operations a fault can be injected into. */
export type HostOperation = 'observe' | 'observeMany' | 'start' | 'stop';

/** What the contract needs from the service behind a host, provided per implementation. */
export interface ModelHostContractBackend {
  readonly host: ModelHost;
  /**
   * Whether a start takes a maximum of units (default true). A service without one (SageMaker's
   * copies) refuses a start that names a maximum as Validation, and reports no maximum.
   */
  readonly takesMaxInferenceUnits?: boolean;
  /**
   * Whether asking for what the model already wants is answered as accepted without a second
   * request (SageMaker's copy count), rather than refused as Conflict (default false).
   */
  readonly acceptsWhatIsWanted?: boolean;
  /** A new model the service knows, stopped, distinct from every other in the test. */
  createStoppedModel(): Promise<ModelRef>;
  /** `count` new stopped models in one project (or its equivalent), enough for several list pages. */
  createStoppedModels(count: number): Promise<ModelRef[]>;
  /** A model in a project that exists but with a version that does not. */
  unknownVersion(): Promise<ModelRef>;
  /** A model in a project that does not exist. */
  unknownProject(): ModelRef;
  /** Lets every start and stop in progress complete (advances the clock past the latencies). */
  completeTransitions(): Promise<void>;
  /** The next start of `ref` ends failed. */
  failNextStart(ref: ModelRef): Promise<void>;
  /** A hosted model goes into a system update; absent for services without one (Rekognition). */
  beginSystemUpdate?(ref: ModelRef): Promise<void>;
  /** How many starts of `ref` the service accepted (replays not counted). */
  acceptedStarts(ref: ModelRef): Promise<number>;
  /** How many requests the service answered with throttling so far. */
  throttledRequests(): Promise<number>;
  /** The next `times` calls of `operation` fail with the service's exception for `code`. */
  injectFault(operation: HostOperation, code: HostingErrorCode, times: number): Promise<void>;
  /** Sets the service's per-API quota. */
  setQuota(requestsPerSecond: number): Promise<void>;
  /** Makes each answer take `ms` of real time. */
  delayResponses(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

const caught = async (promise: Promise<unknown>): Promise<HostingError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HostingError) return error;
    throw new Error(`expected a HostingError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail, it succeeded');
};

/**
 * Registers the ModelHost contract for one implementation.
 *
 * @param name - the implementation, for test names
 * @param setup - builds a fresh backend before each test
 */
export const describeModelHostContract = (
  name: string,
  setup: () => Promise<ModelHostContractBackend>,
): void => {
  describe(`ModelHost contract: ${name}`, () => {
    let backend: ModelHostContractBackend;
    let host: ModelHost;

    beforeEach(async () => {
      backend = await setup();
      host = backend.host;
    });
    afterEach(async () => {
      await backend.teardown();
    });

    describe('observed states', () => {
      it('observes a model that is not hosted as stopped', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const observation = await host.observe(ref);

        // Assess
        expect(observation).toMatchObject({ ref, state: 'stopped', rawStatus: expect.any(String) });
      });

      it('observes starting with the requested units, then hosted once the start completes', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        const takesMax = backend.takesMaxInferenceUnits ?? true;
        const units = takesMax ? { minInferenceUnits: 2, maxInferenceUnits: 4 } : { minInferenceUnits: 2 };

        // Act
        const accepted = await host.start(ref, { ...units, clientToken: 'c-start-1' });
        const starting = await host.observe(ref);
        await backend.completeTransitions();
        const hosted = await host.observe(ref);

        // Assess
        expect(accepted.state).toBe('starting');
        expect(starting).toMatchObject({ state: 'starting', ...units });
        expect(hosted).toMatchObject({ state: 'hosted', ...units });
        if (!takesMax) expect(hosted.maxInferenceUnits).toBeUndefined();
      });

      it('observes stopping after a stop, then stopped once it completes', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-start-2' });
        await backend.completeTransitions();

        // Act
        const accepted = await host.stop(ref, { clientToken: 'c-stop-2' });
        const stopping = await host.observe(ref);
        await backend.completeTransitions();
        const stopped = await host.observe(ref);

        // Assess
        expect(accepted.state).toBe('stopping');
        expect(stopping.state).toBe('stopping');
        expect(stopped.state).toBe('stopped');
      });

      it('observes failed when hosting fails', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        await backend.failNextStart(ref);

        // Act
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-start-3' });
        await backend.completeTransitions();
        const observation = await host.observe(ref);

        // Assess
        expect(observation).toMatchObject({ state: 'failed', message: expect.any(String) });
      });

      it('observes updating during a system update', async (context) => {
        // Prepare
        const beginSystemUpdate = backend.beginSystemUpdate;
        if (!beginSystemUpdate) return context.skip('the service has no system updates');
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-start-4' });
        await backend.completeTransitions();

        // Act
        await beginSystemUpdate(ref);
        const observation = await host.observe(ref);

        // Assess
        expect(observation.state).toBe('updating');
      });

      it('observes an unknown version and an unknown project as missing, without an error', async () => {
        // Prepare
        const noVersion = await backend.unknownVersion();
        const noProject = backend.unknownProject();

        // Act
        const observations = [await host.observe(noVersion), await host.observe(noProject)];

        // Assess
        expect(observations.map((observation) => observation.state)).toEqual(['missing', 'missing']);
        expect(observations.every((observation) => observation.rawStatus === undefined)).toBe(true);
      });

      it('observes many models at once, missing ones included, keyed by refKey', async () => {
        // Prepare
        const hosted = await backend.createStoppedModel();
        const stopped = await backend.createStoppedModel();
        const noVersion = await backend.unknownVersion();
        const noProject = backend.unknownProject();
        await host.start(hosted, { minInferenceUnits: 1, clientToken: 'c-start-5' });
        await backend.completeTransitions();

        // Act
        const observations = await host.observeMany([hosted, stopped, noVersion, noProject]);

        // Assess
        const stateOf = (ref: ModelRef) => {
          const result = observations.get(refKey(ref));
          return result instanceof HostingError ? result.code : result?.state;
        };
        expect([stateOf(hosted), stateOf(stopped), stateOf(noVersion), stateOf(noProject)]).toEqual([
          'hosted',
          'stopped',
          'missing',
          'missing',
        ]);
      });

      it('observes every one of many models of a project, across list pages', async () => {
        // Prepare
        const refs = await backend.createStoppedModels(5);

        // Act
        const observations = await host.observeMany(refs);

        // Assess
        expect(
          refs.map((ref) => (observations.get(refKey(ref)) as { state?: string } | undefined)?.state),
        ).toEqual(Array(5).fill('stopped'));
      });
    });

    // Token cases run only where the service itself deduplicates a token (`supportsClientToken`).
    describe('client tokens', () => {
      it('refuses a repeated start as Conflict where the service has no token, and starts only once', async (context) => {
        context.skip(host.supportsClientToken, 'the service deduplicates the token instead');
        context.skip(backend.acceptsWhatIsWanted === true, 'the service accepts what is already wanted');
        // Prepare
        const ref = await backend.createStoppedModel();
        const request = { minInferenceUnits: 2, clientToken: 'shift-early-2027-03-26' };
        await host.start(ref, request);

        // Act
        const error = await caught(host.start(ref, request));

        // Assess
        expect(error).toMatchObject({ code: 'Conflict', retryable: false });
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('accepts a repeated start as what is already wanted, and starts only once', async (context) => {
        context.skip(backend.acceptsWhatIsWanted !== true, 'the service refuses a repeat instead');
        // Prepare
        const ref = await backend.createStoppedModel();
        const request = { minInferenceUnits: 2, clientToken: 'shift-early-2027-03-26' };
        await host.start(ref, request);

        // Act
        const repeated = await host.start(ref, request);

        // Assess
        expect(repeated.state).toBe('starting');
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('refuses a start for other units while the first is under way as Conflict', async (context) => {
        context.skip(backend.acceptsWhatIsWanted !== true, 'covered by the repeated-start case');
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 2, clientToken: 'c-first-units' });

        // Act
        const error = await caught(host.start(ref, { minInferenceUnits: 3, clientToken: 'c-other-units' }));

        // Assess
        expect(error).toMatchObject({ code: 'Conflict', retryable: false });
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('accepts a replayed start with the same token and starts only once', async (context) => {
        context.skip(!host.supportsClientToken, 'the service has no client token');
        // Prepare
        const ref = await backend.createStoppedModel();
        const request = { minInferenceUnits: 2, clientToken: 'shift-early-2027-03-26' };
        await host.start(ref, request);

        // Act
        const replay = await host.start(ref, request);

        // Assess
        expect(replay.state).toBe('starting');
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('replays a start even after the model is hosted', async (context) => {
        context.skip(!host.supportsClientToken, 'the service has no client token');
        // Prepare
        const ref = await backend.createStoppedModel();
        const request = { minInferenceUnits: 1, clientToken: 'c-replay-hosted' };
        await host.start(ref, request);
        await backend.completeTransitions();

        // Act
        const replay = await host.start(ref, request);

        // Assess
        expect(replay.rawStatus).toBe('STARTING_HOSTING');
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('refuses a start with a new token while the model is hosted as Conflict', async (context) => {
        context.skip(backend.acceptsWhatIsWanted === true, 'the service accepts what is already wanted');
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-first' });
        await backend.completeTransitions();

        // Act
        const error = await caught(host.start(ref, { minInferenceUnits: 1, clientToken: 'c-second' }));

        // Assess
        expect(error).toMatchObject({ code: 'Conflict', retryable: false });
        expect(error.cause).toBeInstanceOf(Error);
      });

      it('accepts a start of a model hosted with those units as it is, and starts only once', async (context) => {
        context.skip(backend.acceptsWhatIsWanted !== true, 'the service refuses a repeat instead');
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-first' });
        await backend.completeTransitions();

        // Act
        const again = await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-second' });

        // Assess
        expect(again.state).toBe('hosted');
        expect(await backend.acceptedStarts(ref)).toBe(1);
      });

      it('refuses the same token with other units as Validation', async (context) => {
        context.skip(!host.supportsClientToken, 'the service has no client token');
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-mismatch' });

        // Act
        const error = await caught(host.start(ref, { minInferenceUnits: 2, clientToken: 'c-mismatch' }));

        // Assess
        expect(error.code).toBe('Validation');
      });

      it('refuses a malformed token as Validation', async (context) => {
        context.skip(!host.supportsClientToken, 'the service has no client token');
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const error = await caught(host.start(ref, { minInferenceUnits: 1, clientToken: 'not a token!' }));

        // Assess
        expect(error.code).toBe('Validation');
      });
    });

    describe('errors', () => {
      it('refuses to stop a model that is not running as Conflict', async (context) => {
        context.skip(backend.acceptsWhatIsWanted === true, 'the service accepts what is already wanted');
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const error = await caught(host.stop(ref, { clientToken: 'c-stop-idle' }));

        // Assess
        expect(error.code).toBe('Conflict');
      });

      it('accepts a stop of a stopped model as it is, and it stays stopped', async (context) => {
        context.skip(backend.acceptsWhatIsWanted !== true, 'the service refuses it instead');
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const accepted = await host.stop(ref, { clientToken: 'c-stop-idle' });
        await backend.completeTransitions();

        // Assess
        expect(accepted.state).toBe('stopped');
        expect((await host.observe(ref)).state).toBe('stopped');
      });

      it('refuses to stop a model that is starting as Conflict', async (context) => {
        context.skip(backend.acceptsWhatIsWanted !== true, 'covered by the stopped case');
        // Prepare
        const ref = await backend.createStoppedModel();
        await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-start-then-stop' });

        // Act
        const error = await caught(host.stop(ref, { clientToken: 'c-stop-starting' }));

        // Assess
        expect(error).toMatchObject({ code: 'Conflict', retryable: false });
      });

      it('refuses to start an unknown model as ResourceNotFound', async () => {
        // Prepare
        const ref = await backend.unknownVersion();

        // Act
        const error = await caught(host.start(ref, { minInferenceUnits: 1, clientToken: 'c-unknown' }));

        // Assess
        expect(error).toMatchObject({ code: 'ResourceNotFound', retryable: false });
      });

      it('refuses a maximum of units as Validation where the service takes none, and sends nothing', async (context) => {
        context.skip(backend.takesMaxInferenceUnits ?? true, 'the service takes a maximum');
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const error = await caught(
          host.start(ref, { minInferenceUnits: 1, maxInferenceUnits: 2, clientToken: 'c-max' }),
        );

        // Assess
        expect(error).toMatchObject({ code: 'Validation', retryable: false });
        expect(await backend.acceptedStarts(ref)).toBe(0);
      });

      it.each([
        ['zero units', { minInferenceUnits: 0 }],
        ['max below min', { minInferenceUnits: 3, maxInferenceUnits: 2 }],
      ])('refuses %s as Validation', async (_, units) => {
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const error = await caught(host.start(ref, { ...units, clientToken: 'c-units' }));

        // Assess
        expect(error).toMatchObject({ code: 'Validation', retryable: false });
      });

      it.each([
        ['start', 'AccessDenied', false],
        ['start', 'ServiceQuotaExceeded', false],
        ['start', 'InternalServer', true],
        ['stop', 'AccessDenied', false],
        ['stop', 'InternalServer', true],
        ['observe', 'AccessDenied', false],
      ] as const)('translates a %s answered with %s (retryable: %s)', async (operation, code, retryable) => {
        // Prepare
        const ref = await backend.createStoppedModel();
        if (operation === 'stop') {
          await host.start(ref, { minInferenceUnits: 1, clientToken: 'c-before-stop' });
          await backend.completeTransitions();
        }
        // Enough faults to outlast the SDK's own retries of 5xx answers.
        await backend.injectFault(operation, code, 5);

        // Act
        const error = await caught(
          operation === 'start'
            ? host.start(ref, { minInferenceUnits: 1, clientToken: 'c-fault' })
            : operation === 'stop'
              ? host.stop(ref, { clientToken: 'c-fault' })
              : host.observe(ref),
        );

        // Assess
        expect(error).toMatchObject({ code, retryable });
        expect(error.cause).toBeDefined();
      });

      it('returns the error of a failed list call for each model of that project, not thrown', async () => {
        // Prepare
        const refs = await backend.createStoppedModels(2);
        await backend.injectFault('observeMany', 'AccessDenied', 1);

        // Act
        const observations = await host.observeMany(refs);

        // Assess
        expect(refs.map((ref) => (observations.get(refKey(ref)) as HostingError).code)).toEqual([
          'AccessDenied',
          'AccessDenied',
        ]);
      });
    });

    describe('throttling', () => {
      it('absorbs a burst over the quota with the SDK retries', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        await backend.setQuota(5);

        // Act
        const observations = await Promise.all(Array.from({ length: 10 }, () => host.observe(ref)));

        // Assess: the service did throttle, and every call still succeeded.
        expect(observations.every((observation) => observation.state === 'stopped')).toBe(true);
        expect(await backend.throttledRequests()).toBeGreaterThan(0);
      });

      it('reports Throttling, retryable, once the SDK retries are exhausted', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        await backend.injectFault('observe', 'Throttling', 10);

        // Act
        const error = await caught(host.observe(ref));

        // Assess
        expect(error).toMatchObject({ code: 'Throttling', retryable: true });
      });
    });

    describe('abort', () => {
      it('reports Aborted when the signal fires during a call', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();
        await backend.delayResponses(2_000);
        const controller = new AbortController();

        // Act
        const pending = caught(host.observe(ref, { signal: controller.signal }));
        setTimeout(() => controller.abort(), 50);
        const error = await pending;

        // Assess
        expect(error).toMatchObject({ code: 'Aborted' });
      });

      it('reports Aborted for a signal that has already fired, for start as well', async () => {
        // Prepare
        const ref = await backend.createStoppedModel();

        // Act
        const error = await caught(
          host.start(
            ref,
            { minInferenceUnits: 1, clientToken: 'c-aborted' },
            { signal: AbortSignal.abort() },
          ),
        );

        // Assess
        expect(error.code).toBe('Aborted');
        expect(await backend.acceptedStarts(ref)).toBe(0);
      });
    });
  });
};
