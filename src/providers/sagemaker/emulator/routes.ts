/**
 * SageMaker's AWS JSON 1.1 requests (`POST /`, the operation in `X-Amz-Target: SageMaker.<Op>`),
 * and what seeding a component takes. The kernel's admin API seeds components and fails their next
 * scale-ups; the engine has no admin route of its own.
 */
import * as z from 'zod';
import { latenciesSchema } from '../../../emulator/admin.ts';
import type { Latencies } from '../../../emulator/kernel.ts';
import { jsonRequestOf, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import {
  type ComponentAddress,
  type ComponentPhase,
  componentPhases,
  type SageMakerApiRequest,
  sageMakerApiNames,
} from './wire.ts';

/** What seeding a component may set; everything but the address has a default. */
export interface SeedInferenceComponent extends ComponentAddress {
  /**
   * Default ScaledToZero (InService at zero copies: ready to start). ScalingUp and ScalingDown are
   * transitions that complete after the component's latencies; a phase that holds copies opens a
   * billing run at the current instant.
   */
  readonly phase?: ComponentPhase;
  /** The copies of a phase that holds them; default 1. */
  readonly copies?: number;
  readonly latencies?: Latencies;
}

/**
 * The request a SageMaker target names, or the protocol's answer when it names no operation of the
 * emulator or its body is not JSON; undefined for a request to another service.
 */
export const sageMakerRequestOf = (request: WireRequest): SageMakerApiRequest | WireResponse | undefined =>
  jsonRequestOf(request, 'SageMaker', sageMakerApiNames);

/** The admin API's body for one component to seed. */
export const seedComponentBody = z
  .object({
    endpointName: z.string().min(1),
    inferenceComponentName: z.string().min(1),
    phase: z.enum(componentPhases).optional(),
    copies: z.number().int().min(1).optional(),
    latencies: latenciesSchema.optional(),
  })
  .strict();
