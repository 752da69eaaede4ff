/**
 * The SageMaker side of the ModelHost contract: its emulator on a virtual clock, reached by the real
 * SDK client only through AWS_ENDPOINT_URL_SAGEMAKER, as the scheduler reaches it in every local run.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { vi } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import type { HostingErrorCode, ModelRef } from '../../../src/hosting/model-host.ts';
import { createSageMakerClient } from '../../../src/providers/sagemaker/client.ts';
import {
  type ComponentAddress,
  type ComponentPhase,
  type RunningSageMakerEmulator,
  type SageMakerApiName,
  type SageMakerErrorType,
  startSageMakerEmulator,
} from '../../../src/providers/sagemaker/emulator/index.ts';
import { SageMakerModelHost } from '../../../src/providers/sagemaker/host.ts';
import { isSageMakerRef } from '../../../src/providers/sagemaker/schema.ts';
import type { HostOperation, ModelHostContractBackend } from '../model-host.contract.ts';
import { emulatedServiceParts, stubEmulatorEnv } from './emulator-backend.ts';
import type { HostHarness } from './harness.ts';

export const hour = 60 * 60 * 1000;
const apiOf: Readonly<Record<HostOperation, SageMakerApiName>> = {
  observe: 'DescribeInferenceComponent',
  observeMany: 'ListInferenceComponents',
  start: 'UpdateInferenceComponentRuntimeConfig',
  stop: 'UpdateInferenceComponentRuntimeConfig',
};
const exceptionOf: Partial<Record<HostingErrorCode, SageMakerErrorType>> = {
  Throttling: 'ThrottlingException',
  Conflict: 'ConflictException',
  Validation: 'ValidationException',
  AccessDenied: 'AccessDeniedException',
  InternalServer: 'InternalFailure',
  ServiceQuotaExceeded: 'ResourceLimitExceeded',
};

/** The emulator, its clock and the helpers the contract and the SageMaker specifics share. */
export interface SageMakerHarness extends HostHarness {
  readonly emulator: RunningSageMakerEmulator;
  readonly clock: VirtualClock;
  /** Seeds a component and returns the ref the scheduler would hold for it. */
  seed(
    endpointName: string,
    inferenceComponentName: string,
    phase?: ComponentPhase,
  ): { ref: ModelRef; component: ReturnType<RunningSageMakerEmulator['seedModel']> };
}

/** A fresh client per test: the adaptive retry mode keeps per-client rate state. */
export const freshClient = (): SageMakerClient => createSageMakerClient();

export const addressOf = (ref: ModelRef): ComponentAddress => {
  if (!isSageMakerRef(ref)) throw new Error('not a SageMaker ref');
  return { endpointName: ref.endpointName, inferenceComponentName: ref.inferenceComponentName };
};

/**
 * Starts the emulator (two components per page, so observing a handful already pages) and points
 * the SDK at it until `close`.
 */
export const startSageMakerHarness = async (): Promise<SageMakerHarness> => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const emulator = await startSageMakerEmulator({
    clock,
    defaultPageSize: 2,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });
  stubEmulatorEnv('AWS_ENDPOINT_URL_SAGEMAKER', emulator.url);
  const seed: SageMakerHarness['seed'] = (endpointName, inferenceComponentName, phase) => {
    const component = emulator.seedModel({
      endpointName,
      inferenceComponentName,
      ...(phase ? { phase } : {}),
    });
    const ref: ModelRef = { provider: 'sagemaker', endpointName, inferenceComponentName };
    return { ref, component };
  };
  let modelCounter = 0;
  const backend = async (): Promise<ModelHostContractBackend> => {
    emulator.reset();
    emulator.setQuota(Number.POSITIVE_INFINITY);
    emulator.setResponseDelay(0);
    const client = freshClient();
    return {
      host: new SageMakerModelHost(client),
      takesMaxInferenceUnits: false,
      acceptsWhatIsWanted: true,
      createStoppedModel: async () => {
        modelCounter += 1;
        return seed('contract', `component-${modelCounter}`).ref;
      },
      createStoppedModels: async (count) => {
        modelCounter += 1;
        return Array.from(
          { length: count },
          (_, index) => seed(`many-${modelCounter}`, `many-${modelCounter}-${index + 1}`).ref,
        );
      },
      unknownVersion: async () => {
        const { ref } = seed('contract-known', 'known-component');
        return { ...ref, inferenceComponentName: 'no-such-component' };
      },
      unknownProject: () => ({
        provider: 'sagemaker',
        endpointName: 'no-such-endpoint',
        inferenceComponentName: 'no-such-component',
      }),
      completeTransitions: async () => clock.advance(hour),
      failNextStart: async (ref) => emulator.failNextStarts(addressOf(ref), 1),
      acceptedStarts: async (ref) =>
        emulator
          .callLog()
          .filter(
            (call) =>
              call.api === 'UpdateInferenceComponentRuntimeConfig' &&
              call.outcome === 'accepted' &&
              (call.copyCount ?? 0) > 0 &&
              call.inferenceComponentName === addressOf(ref).inferenceComponentName,
          ).length,
      ...emulatedServiceParts(emulator, client, apiOf, exceptionOf),
    };
  };
  return {
    emulator,
    clock,
    seed,
    backend,
    close: async () => {
      vi.unstubAllEnvs();
      await emulator.close();
    },
  };
};
