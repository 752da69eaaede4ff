/**
 * SageMaker's AWS JSON 1.1 requests (`POST /`, the operation in `X-Amz-Target: SageMaker.<Op>`),
 * and the admin routes of this engine only: seeding components, failing the next scale-ups.
 */
import { z } from 'zod';
import { defined, done, latenciesSchema } from '../../../emulator/admin.ts';
import type { AdminResponse } from '../../../emulator/engine.ts';
import type { Latencies } from '../../../emulator/kernel.ts';
import { awsJson11, jsonTarget, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import {
  type ComponentAddress,
  type ComponentPhase,
  type SageMakerApiName,
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

/** What the admin routes drive: the engine's administration. */
export interface SageMakerAdmin {
  seedModel(spec: SeedInferenceComponent): unknown;
  model(address: ComponentAddress): unknown;
  failNextStarts(address: ComponentAddress, count: number): void;
}

const targetPrefix = 'SageMaker';

/**
 * The request a SageMaker target names, or the protocol's answer when it names no operation of the
 * emulator or its body is not JSON; undefined for a request to another service.
 */
export const sageMakerRequestOf = (request: WireRequest): SageMakerApiRequest | WireResponse | undefined => {
  const api = jsonTarget(request, targetPrefix);
  if (api === undefined) return undefined;
  if (request.method !== 'POST' || request.url.pathname !== '/' || !isApiName(api)) {
    return awsJson11.unknownOperation(request);
  }
  try {
    return { api, body: request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8')) };
  } catch {
    return {
      httpStatus: 400,
      body: { __type: 'SerializationException', message: 'The request body is not JSON.' },
    };
  }
};

const isApiName = (name: string): name is SageMakerApiName =>
  sageMakerApiNames.includes(name as SageMakerApiName);

const phases = [
  'ScaledToZero',
  'ScalingUp',
  'InService',
  'ScalingDown',
  'Failed',
  'Creating',
  'Deleting',
] as const satisfies readonly ComponentPhase[];

const seedComponentBody = z
  .object({
    endpointName: z.string().min(1),
    inferenceComponentName: z.string().min(1),
    phase: z.enum(phases).optional(),
    copies: z.number().int().min(1).optional(),
    latencies: latenciesSchema.optional(),
  })
  .strict();
const seedBody = z.union([seedComponentBody, z.object({ models: z.array(seedComponentBody) }).strict()]);
const failNextStartsBody = z.object({ count: z.number().int().min(1).default(1) }).strict();
const failRoute = /^POST models\/([^/]+)\/([^/]+)\/fail-next-starts$/;

/** The admin routes of SageMaker only; undefined for a route the kernel's admin API serves. */
export const sageMakerAdminRoute = (
  engine: SageMakerAdmin,
  route: string,
  body: unknown,
): AdminResponse | undefined => {
  const fail = failRoute.exec(route);
  if (fail?.[1] && fail[2]) {
    const address = {
      endpointName: decodeURIComponent(fail[1]),
      inferenceComponentName: decodeURIComponent(fail[2]),
    };
    engine.failNextStarts(address, failNextStartsBody.parse(body).count);
    return done({ model: engine.model(address) });
  }
  if (route === 'POST models') {
    const parsed = seedBody.parse(body);
    const specs = 'models' in parsed ? parsed.models : [parsed];
    return done({ models: specs.map((spec) => engine.seedModel(defined(spec) as SeedInferenceComponent)) });
  }
  return undefined;
};
