import type { ProviderId } from '../../../src/providers/registry.ts';
import type { ModelHostContractBackend } from '../model-host.contract.ts';
import { startLookoutVisionHarness } from './lookoutvision.ts';
import { startRekognitionHarness } from './rekognition.ts';
import { startSageMakerHarness } from './sagemaker.ts';

/** A provider's service for the ModelHost contract: its emulator, started, and a fresh backend per test. */
export interface HostHarness {
  backend(): Promise<ModelHostContractBackend>;
  close(): Promise<void>;
}

/**
 * How each registered provider's host meets the contract; the type makes a registered provider
 * without contract wiring a compile error.
 */
export const hostHarnesses: { readonly [Id in ProviderId]: () => Promise<HostHarness> } = {
  lookoutvision: startLookoutVisionHarness,
  rekognition: startRekognitionHarness,
  sagemaker: startSageMakerHarness,
};
