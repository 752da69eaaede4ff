/**
 * The Lookout for Vision side of the ModelHost contract: its emulator on a virtual clock, reached
 * by the real SDK client only through AWS_ENDPOINT_URL_LOOKOUTVISION, as the scheduler reaches it
 * in every local run.
 */
import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import { vi } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import type { HostingErrorCode, ModelRef } from '../../../src/hosting/model-host.ts';
import { createLookoutVisionClient } from '../../../src/providers/lookoutvision/client.ts';
import {
  type LookoutVisionApiName,
  type LookoutVisionErrorType,
  type RunningLookoutVisionEmulator,
  startLookoutVisionEmulator,
} from '../../../src/providers/lookoutvision/emulator/index.ts';
import { LookoutVisionModelHost } from '../../../src/providers/lookoutvision/host.ts';
import { lookoutVisionNaming } from '../../../src/providers/lookoutvision/schema.ts';
import type { HostOperation, ModelHostContractBackend } from '../model-host.contract.ts';
import { emulatedServiceParts, stubEmulatorEnv } from './emulator-backend.ts';
import type { HostHarness } from './harness.ts';

export const hour = 60 * 60 * 1000;
const apiOf: Readonly<Record<HostOperation, LookoutVisionApiName>> = {
  observe: 'DescribeModel',
  observeMany: 'ListModels',
  start: 'StartModel',
  stop: 'StopModel',
};
const exceptionOf: Partial<Record<HostingErrorCode, LookoutVisionErrorType>> = {
  Throttling: 'ThrottlingException',
  Conflict: 'ConflictException',
  ResourceNotFound: 'ResourceNotFoundException',
  Validation: 'ValidationException',
  AccessDenied: 'AccessDeniedException',
  InternalServer: 'InternalServerException',
  ServiceQuotaExceeded: 'ServiceQuotaExceededException',
};

/** The emulator, its clock and the helpers the contract and the Lookout for Vision specifics share. */
export interface LookoutVisionHarness extends HostHarness {
  readonly emulator: RunningLookoutVisionEmulator;
  readonly clock: VirtualClock;
}

/** A fresh client per test: the adaptive retry mode keeps per-client rate state. */
export const freshClient = (): LookoutVisionClient => createLookoutVisionClient();

export const lookoutRef = (projectName: string, modelVersion: string): ModelRef => ({
  provider: 'lookoutvision',
  projectName,
  modelVersion,
});

const addressOf = (ref: ModelRef) => {
  if (!lookoutVisionNaming.isRef(ref)) throw new Error('not a Lookout for Vision ref');
  return { projectName: ref.projectName, modelVersion: ref.modelVersion };
};

/**
 * Starts the emulator (two models per ListModels page, so observing a handful of versions already
 * pages) and points the SDK at it until `close`.
 */
export const startLookoutVisionHarness = async (): Promise<LookoutVisionHarness> => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const emulator = await startLookoutVisionEmulator({
    clock,
    defaultPageSize: 2,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });
  stubEmulatorEnv('AWS_ENDPOINT_URL_LOOKOUTVISION', emulator.url);
  let modelCounter = 0;
  const backend = async (): Promise<ModelHostContractBackend> => {
    emulator.reset();
    emulator.setQuota(Number.POSITIVE_INFINITY);
    emulator.setResponseDelay(0);
    const client = freshClient();
    return {
      host: new LookoutVisionModelHost(client),
      createStoppedModel: async () => {
        modelCounter += 1;
        emulator.seedModel({ projectName: 'contract', modelVersion: String(modelCounter) });
        return lookoutRef('contract', String(modelCounter));
      },
      createStoppedModels: async (count) => {
        modelCounter += 1;
        const projectName = `many-${modelCounter}`;
        return Array.from({ length: count }, (_, index) => {
          emulator.seedModel({ projectName, modelVersion: String(index + 1) });
          return lookoutRef(projectName, String(index + 1));
        });
      },
      unknownVersion: async () => {
        emulator.seedModel({ projectName: 'contract-known', modelVersion: '1' });
        return lookoutRef('contract-known', '99');
      },
      unknownProject: () => lookoutRef('no-such-project', '1'),
      completeTransitions: async () => clock.advance(hour),
      failNextStart: async (ref) => emulator.failNextStarts(addressOf(ref), 1),
      beginSystemUpdate: async (ref) => {
        emulator.beginSystemUpdate(addressOf(ref), 30 * 60 * 1000);
      },
      acceptedStarts: async (ref) =>
        emulator
          .callLog()
          .filter(
            (call) =>
              call.api === 'StartModel' &&
              call.outcome === 'accepted' &&
              call.projectName === addressOf(ref).projectName &&
              call.modelVersion === addressOf(ref).modelVersion,
          ).length,
      ...emulatedServiceParts(emulator, client, apiOf, exceptionOf),
    };
  };
  return {
    emulator,
    clock,
    backend,
    close: async () => {
      vi.unstubAllEnvs();
      await emulator.close();
    },
  };
};
