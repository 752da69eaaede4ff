import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../src/emulator/clock.ts';
import type { WireResponse } from '../../../../../src/emulator/wire.ts';
import {
  type ComponentAddress,
  type SageMakerApiRequest,
  SageMakerEngine,
  type SageMakerEngineOptions,
} from '../../../../../src/providers/sagemaker/emulator/engine.ts';

const minute = 60_000;
const board: ComponentAddress = { endpointName: 'vision-endpoint', inferenceComponentName: 'pcb-defects' };
const welds: ComponentAddress = { endpointName: 'vision-endpoint', inferenceComponentName: 'weld-defects' };

const setup = (options: Partial<SageMakerEngineOptions> = {}) => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const engine = new SageMakerEngine({
    clock,
    startLatency: 4 * minute,
    stopLatency: 1 * minute,
    scaleFromZeroLatency: 6 * minute,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    ...options,
  });
  engine.seedModel(board);
  engine.seedModel(welds);
  return { clock, engine };
};

const scale = (address: ComponentAddress, copies: unknown): SageMakerApiRequest => ({
  api: 'UpdateInferenceComponentRuntimeConfig',
  body: {
    InferenceComponentName: address.inferenceComponentName,
    DesiredRuntimeConfig: { CopyCount: copies },
  },
});
const describeOf = (address: ComponentAddress): SageMakerApiRequest => ({
  api: 'DescribeInferenceComponent',
  body: { InferenceComponentName: address.inferenceComponentName },
});
const body = (response: WireResponse) => response.body as Record<string, unknown>;

describe('the SageMaker engine', () => {
  it('scales a component on an endpoint without instances up in the copy latency plus the instances start', () => {
    // Prepare
    const { clock, engine } = setup();

    // Act
    const accepted = engine.handle(scale(board, 2));
    const during = body(engine.handle(describeOf(board)));
    clock.advance(9 * minute);
    const before = engine.model(board);
    clock.advance(1 * minute);
    const after = body(engine.handle(describeOf(board)));

    // Assess
    expect(accepted.httpStatus).toBe(200);
    expect(during).toMatchObject({
      InferenceComponentStatus: 'Updating',
      RuntimeConfig: { DesiredCopyCount: 2, CurrentCopyCount: 0 },
    });
    expect(before.status).toBe('ScalingUp');
    expect(after).toMatchObject({
      InferenceComponentStatus: 'InService',
      RuntimeConfig: { DesiredCopyCount: 2, CurrentCopyCount: 2 },
    });
  });

  it('adds no instance start for a component on an endpoint whose instances already run', () => {
    // Prepare
    const { clock, engine } = setup();
    engine.handle(scale(board, 1));
    clock.advance(10 * minute);

    // Act
    engine.handle(scale(welds, 1));
    clock.advance(4 * minute);

    // Assess
    expect(engine.model(welds).status).toBe('InService');
  });

  it('scales down to zero in the stop latency and bills copy-minutes until then', () => {
    // Prepare
    const { clock, engine } = setup({ scaleFromZeroLatency: 0 });
    engine.handle(scale(board, 2));
    clock.advance(60 * minute);

    // Act
    engine.handle(scale(board, 0));
    const stopping = body(engine.handle(describeOf(board)));
    clock.advance(1 * minute);

    // Assess
    expect(stopping).toMatchObject({
      InferenceComponentStatus: 'Updating',
      RuntimeConfig: { DesiredCopyCount: 0, CurrentCopyCount: 2 },
    });
    expect(engine.model(board)).toMatchObject({
      status: 'ScaledToZero',
      desiredCopyCount: 0,
      currentCopyCount: 0,
    });
    expect(engine.ledger().unitMinutesByModel).toEqual({ 'vision-endpoint/pcb-defects': 2 * 61 });
  });

  it('refuses a scale while the component is updating, and a negative count, as ValidationException', () => {
    // Prepare
    const { engine } = setup();
    engine.handle(scale(board, 1));

    // Act
    const whileUpdating = engine.handle(scale(board, 0));
    const negative = engine.handle(scale(welds, -1));

    // Assess
    expect(body(whileUpdating).__type).toBe('ValidationException');
    expect(body(negative).__type).toBe('ValidationException');
  });

  it('answers an unknown component and an unknown endpoint with "Could not find"', () => {
    // Prepare
    const { engine } = setup();

    // Act
    const component = engine.handle(describeOf({ ...board, inferenceComponentName: 'nothing' }));
    const endpoint = engine.handle({ api: 'DescribeEndpoint', body: { EndpointName: 'nowhere' } });

    // Assess
    expect(body(component)).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringMatching(/^Could not find/),
    });
    expect(body(endpoint)).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringMatching(/^Could not find/),
    });
  });

  it('refuses copies beyond the account quota as ResourceLimitExceeded', () => {
    // Prepare
    const { engine } = setup({ inferenceUnitQuota: 2 });
    engine.handle(scale(board, 2));

    // Act
    const response = engine.handle(scale(welds, 1));

    // Assess
    expect(body(response).__type).toBe('ResourceLimitExceeded');
  });

  it('lists the endpoint with its instances, and its components newest first, across pages', () => {
    // Prepare
    const { engine } = setup({ defaultPageSize: 1, scaleFromZeroLatency: 0 });
    engine.handle(scale(board, 1));

    // Act
    const endpoints = body(engine.handle({ api: 'ListEndpoints', body: {} }));
    const endpoint = body(
      engine.handle({ api: 'DescribeEndpoint', body: { EndpointName: 'vision-endpoint' } }),
    );
    const first = body(
      engine.handle({ api: 'ListInferenceComponents', body: { EndpointNameEquals: 'vision-endpoint' } }),
    );
    const second = body(
      engine.handle({
        api: 'ListInferenceComponents',
        body: { EndpointNameEquals: 'vision-endpoint', NextToken: first.NextToken },
      }),
    );

    // Assess
    expect(endpoints.Endpoints).toEqual([
      expect.objectContaining({ EndpointName: 'vision-endpoint', EndpointStatus: 'InService' }),
    ]);
    expect(endpoint).toMatchObject({
      ProductionVariants: [
        expect.objectContaining({
          CurrentInstanceCount: 1,
          ManagedInstanceScaling: expect.objectContaining({ MinInstanceCount: 0 }),
        }),
      ],
    });
    expect(
      [first, second].flatMap((page) =>
        (page.InferenceComponents as { InferenceComponentName: string }[]).map(
          (summary) => summary.InferenceComponentName,
        ),
      ),
    ).toEqual(['weld-defects', 'pcb-defects']);
    expect(second.NextToken).toBeUndefined();
  });

  it('ends a scale-up due to fail in Failed with a reason, from which it can be scaled again', () => {
    // Prepare
    const { clock, engine } = setup({ scaleFromZeroLatency: 0 });
    engine.failNextStarts(board, 1);
    engine.handle(scale(board, 1));
    clock.advance(10 * minute);
    const failed = body(engine.handle(describeOf(board)));

    // Act
    const retried = engine.handle(scale(board, 1));
    clock.advance(10 * minute);

    // Assess
    expect(failed).toMatchObject({ InferenceComponentStatus: 'Failed', FailureReason: expect.any(String) });
    expect(retried.httpStatus).toBe(200);
    expect(engine.model(board).status).toBe('InService');
  });
});
