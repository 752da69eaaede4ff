/**
 * The Rekognition Custom Labels side of the ModelHost contract: its emulator on a virtual clock,
 * reached by the real SDK client only through AWS_ENDPOINT_URL_REKOGNITION, as the scheduler
 * reaches it in every local run.
 */
import type { ProjectVersionStatus, RekognitionClient } from '@aws-sdk/client-rekognition';
import { vi } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import type { HostingErrorCode, ModelRef } from '../../../src/hosting/model-host.ts';
import { createRekognitionClient } from '../../../src/providers/rekognition/client.ts';
import {
  projectNameOfArn,
  type RekognitionApiName,
  type RekognitionErrorType,
  type RunningRekognitionEmulator,
  startRekognitionEmulator,
  type VersionAddress,
} from '../../../src/providers/rekognition/emulator/index.ts';
import { RekognitionModelHost } from '../../../src/providers/rekognition/host.ts';
import { rekognitionNaming } from '../../../src/providers/rekognition/schema.ts';
import type { HostOperation, ModelHostContractBackend } from '../model-host.contract.ts';
import { emulatedServiceParts, stubEmulatorEnv } from './emulator-backend.ts';
import type { HostHarness } from './harness.ts';

export const hour = 60 * 60 * 1000;
const apiOf: Readonly<Record<HostOperation, RekognitionApiName>> = {
  observe: 'DescribeProjectVersions',
  observeMany: 'DescribeProjectVersions',
  start: 'StartProjectVersion',
  stop: 'StopProjectVersion',
};
const exceptionOf: Partial<Record<HostingErrorCode, RekognitionErrorType>> = {
  Throttling: 'ThrottlingException',
  Conflict: 'ResourceInUseException',
  ResourceNotFound: 'ResourceNotFoundException',
  Validation: 'InvalidParameterException',
  AccessDenied: 'AccessDeniedException',
  InternalServer: 'InternalServerError',
  ServiceQuotaExceeded: 'LimitExceededException',
};

/** The emulator, its clock and the helpers the contract and the Rekognition specifics share. */
export interface RekognitionHarness extends HostHarness {
  readonly emulator: RunningRekognitionEmulator;
  readonly clock: VirtualClock;
  /** Seeds a version and returns the ref the scheduler would hold for it. */
  seed(
    projectName: string,
    versionName: string,
    status?: ProjectVersionStatus,
  ): { ref: ModelRef; version: ReturnType<RunningRekognitionEmulator['seedModel']> };
}

/** A fresh client per test: the adaptive retry mode keeps per-client rate state. */
export const freshClient = (): RekognitionClient => createRekognitionClient();

export const addressOf = (ref: ModelRef): VersionAddress => {
  const projectName = rekognitionNaming.isRef(ref) ? projectNameOfArn(ref.projectArn) : undefined;
  if (!rekognitionNaming.isRef(ref) || projectName === undefined) throw new Error('not a Rekognition ref');
  return { projectName, versionName: ref.versionName };
};

/**
 * Starts the emulator (two versions per page, so observing a handful of versions already pages) and
 * points the SDK at it until `close`.
 */
export const startRekognitionHarness = async (): Promise<RekognitionHarness> => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const emulator = await startRekognitionEmulator({
    clock,
    defaultPageSize: 2,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });
  stubEmulatorEnv('AWS_ENDPOINT_URL_REKOGNITION', emulator.url);
  const seed: RekognitionHarness['seed'] = (projectName, versionName, status) => {
    const version = emulator.seedModel({ projectName, versionName, ...(status ? { status } : {}) });
    const ref: ModelRef = { provider: 'rekognition', projectArn: version.projectArn, versionName };
    return { ref, version };
  };
  let modelCounter = 0;
  const backend = async (): Promise<ModelHostContractBackend> => {
    emulator.reset();
    emulator.setQuota(Number.POSITIVE_INFINITY);
    emulator.setResponseDelay(0);
    const client = freshClient();
    return {
      host: new RekognitionModelHost(client),
      createStoppedModel: async () => {
        modelCounter += 1;
        return seed('contract', `v${modelCounter}`).ref;
      },
      createStoppedModels: async (count) => {
        modelCounter += 1;
        return Array.from({ length: count }, (_, index) => seed(`many-${modelCounter}`, `v${index + 1}`).ref);
      },
      unknownVersion: async () => {
        const { ref } = seed('contract-known', 'v1');
        return { ...ref, versionName: 'v99' };
      },
      unknownProject: () => ({
        provider: 'rekognition',
        projectArn: 'arn:aws:rekognition:us-east-1:123456789012:project/no-such-project/1',
        versionName: 'v1',
      }),
      completeTransitions: async () => clock.advance(hour),
      failNextStart: async (ref) => emulator.failNextStarts(addressOf(ref), 1),
      acceptedStarts: async (ref) => {
        const arn = emulator.model(addressOf(ref)).projectVersionArn;
        return emulator
          .callLog()
          .filter(
            (call) =>
              call.api === 'StartProjectVersion' &&
              call.outcome === 'accepted' &&
              call.projectVersionArn === arn,
          ).length;
      },
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
