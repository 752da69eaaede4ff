/**
 * SageMaker inference components on the emulator kernel: endpoints, the components they host, their
 * copy counts, the service's exceptions and the JSON 1.1 answers of the calls the scheduler and a
 * person with the AWS CLI make. The kernel supplies the clock, quota, faults, call log, ledger and
 * state machine; a component's copies are its inference units, billed per copy-minute.
 *
 * Scaling up from zero copies takes the start latency; when no component of the endpoint holds
 * copies, the endpoint has no instances (managed instance scaling down to zero) and the instances'
 * own start is added. Scaling down takes the stop latency. The API has no client token: any count is
 * accepted from a settled component, none while it is updating.
 */
import type { AdminResponse, EmulatorEngine } from '../../../emulator/engine.ts';
import type { InjectedError, RandomFaults } from '../../../emulator/faults.ts';
import {
  type CallOutcome,
  type CallRecord,
  EmulatorKernel,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
  type Latencies,
  type Phase,
} from '../../../emulator/kernel.ts';
import type { LedgerReport, LedgerRun } from '../../../emulator/ledger.ts';
import type { PerApi } from '../../../emulator/quota.ts';
import type { Latency } from '../../../emulator/random.ts';
import { decodeNextToken, encodeNextToken } from '../../../emulator/requests.ts';
import { awsJson11, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import { type SeedInferenceComponent, sageMakerAdminRoute, sageMakerRequestOf } from './routes.ts';
import {
  type ComponentAddress,
  type ComponentPhase,
  faultErrors,
  namePattern,
  type SageMakerApiName,
  type SageMakerApiRequest,
  type SageMakerErrorType,
  sageMakerApiNames,
  sageMakerError,
  sageMakerErrorTypes,
  validation,
} from './wire.ts';

export type { SeedInferenceComponent } from './routes.ts';
export {
  type ComponentAddress,
  type ComponentPhase,
  type SageMakerApiName,
  type SageMakerApiRequest,
  sageMakerApiNames,
} from './wire.ts';

const minute = 60_000;

export interface SageMakerEngineOptions extends KernelOptions<SageMakerApiName> {
  /**
   * What starting an endpoint's instances adds to a scale-up when the endpoint has none. Default
   * 3 to 8 minutes; 0 when the start latency is meant as the whole time a start takes.
   */
  readonly scaleFromZeroLatency?: Latency;
}

/** A scripted fault of SageMaker, narrowed to an endpoint (and component) if given. */
export type SageMakerInjectedError = InjectedError<SageMakerApiName, SageMakerErrorType, ComponentAddress>;

/** An inference component as the emulator sees it right now. */
export interface InferenceComponentSnapshot extends ComponentAddress, HostingSnapshot<ComponentPhase> {
  readonly inferenceComponentArn: string;
  readonly endpointArn: string;
  readonly desiredCopyCount: number;
  readonly currentCopyCount: number;
}

/** What the call log keeps of a request besides its API. */
export interface SageMakerCallFields {
  readonly endpointName?: string;
  readonly inferenceComponentName?: string;
  /** The copies an UpdateInferenceComponentRuntimeConfig asked for: a start above zero, a stop at zero. */
  readonly copyCount?: number;
}

/** A billed run names the component; its units are copies. */
export interface SageMakerBilled extends ComponentAddress {
  readonly inferenceComponentArn: string;
}

export type SageMakerCallRecord = CallRecord<SageMakerApiName, SageMakerCallFields>;
export type SageMakerLedgerRun = LedgerRun<SageMakerBilled>;
export type SageMakerLedgerReport = LedgerReport<SageMakerBilled>;

interface ComponentRecord extends HostedModel<ComponentPhase>, ComponentAddress {
  readonly arn: string;
  readonly createdAt: number;
  modifiedAt: number;
}

interface EndpointRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly components: Map<string, ComponentRecord>;
}

type Answer = { readonly response: WireResponse; readonly outcome: CallOutcome };

// The service writes the names in its ARNs in lower case.

/** Phases in which a component holds (and bills) copies, and keeps its endpoint's instances. */
const holdingCopies: ReadonlySet<ComponentPhase> = new Set(['ScalingUp', 'InService', 'ScalingDown']);
const scalingUp = { starting: 'ScalingUp', hosted: 'InService', failed: 'Failed' } as const;
const scalingDown = { stopping: 'ScalingDown', stopped: 'ScaledToZero' } as const;

const messages: Readonly<Record<ComponentPhase, string>> = {
  ScaledToZero: 'The inference component is in service with no copies.',
  ScalingUp: 'The inference component is scaling up its copies.',
  InService: 'The inference component is in service.',
  ScalingDown: 'The inference component is scaling down its copies.',
  Failed: 'The inference component could not place its copies.',
  Creating: 'The inference component is being created.',
  Deleting: 'The inference component is being deleted.',
};

/** The wire's status and copy counts of each phase. */
const wireOf = (component: ComponentRecord): { status: string; desired: number; current: number } => {
  const copies = component.units?.min ?? 0;
  switch (component.phase.status) {
    case 'ScaledToZero':
      return { status: 'InService', desired: 0, current: 0 };
    case 'ScalingUp':
      return { status: 'Updating', desired: copies, current: 0 };
    case 'InService':
      return { status: 'InService', desired: copies, current: copies };
    case 'ScalingDown':
      return { status: 'Updating', desired: 0, current: copies };
    case 'Failed':
      return { status: 'Failed', desired: copies, current: 0 };
    case 'Creating':
      return { status: 'Creating', desired: 0, current: 0 };
    case 'Deleting':
      return { status: 'Deleting', desired: 0, current: 0 };
  }
};

/** SageMaker inference components: `serve` for AWS requests, the other methods for administration. */
export class SageMakerEngine implements EmulatorEngine {
  readonly service = 'sagemaker';
  readonly protocol = awsJson11;
  readonly apiNames = sageMakerApiNames;
  readonly errorTypes = sageMakerErrorTypes;
  readonly addressKeys = ['endpointName', 'inferenceComponentName'] as const;
  readonly clock;
  readonly #kernel: EmulatorKernel<
    SageMakerApiName,
    SageMakerErrorType,
    SageMakerBilled,
    SageMakerCallFields
  >;
  readonly #scaleFromZero: Latency;
  #endpoints = new Map<string, EndpointRecord>();

  constructor(options: SageMakerEngineOptions) {
    this.#kernel = new EmulatorKernel(options, awsJson11, faultErrors);
    this.clock = options.clock;
    this.#scaleFromZero = options.scaleFromZeroLatency ?? { minMs: 3 * minute, maxMs: 8 * minute };
  }

  // ---------------------------------------------------------------- AWS requests

  /** Answers a request whose `X-Amz-Target` names SageMaker; undefined for any other. */
  serve(request: WireRequest): WireResponse | undefined {
    const decoded = sageMakerRequestOf(request);
    return decoded === undefined || 'httpStatus' in decoded ? decoded : this.handle(decoded);
  }

  /** Answers one AWS request and records it in the call log. Never throws for service errors. */
  handle(request: SageMakerApiRequest): WireResponse {
    const fields = bodyFields(request.body);
    const componentName = stringOf(fields.InferenceComponentName);
    const endpointName =
      stringOf(fields.EndpointName) ??
      stringOf(fields.EndpointNameEquals) ??
      (componentName === undefined ? undefined : this.#componentNamed(componentName)?.endpointName);
    const copyCount = bodyFields(fields.DesiredRuntimeConfig).CopyCount;
    return this.#kernel.answer(
      {
        api: request.api,
        scope: { endpointName, inferenceComponentName: componentName },
        fields: {
          ...(endpointName === undefined ? {} : { endpointName }),
          ...(componentName === undefined ? {} : { inferenceComponentName: componentName }),
          ...(typeof copyCount === 'number' ? { copyCount } : {}),
        },
      },
      (now) => this.#dispatch(request.api, fields, now),
    );
  }

  #dispatch(api: SageMakerApiName, fields: Record<string, unknown>, now: number): Answer {
    switch (api) {
      case 'UpdateInferenceComponentRuntimeConfig':
        return this.#update(fields, now);
      case 'DescribeInferenceComponent': {
        const component = this.#findComponent(fields.InferenceComponentName, now);
        const endpoint = this.#endpoints.get(component.endpointName) as EndpointRecord;
        return answer(describeComponent(component, endpoint), 'ok');
      }
      case 'ListInferenceComponents':
        return answer(this.#listComponents(fields, now), 'ok');
      case 'ListEndpoints':
        return answer(this.#listEndpoints(fields, now), 'ok');
      case 'DescribeEndpoint':
        return answer(this.#describeEndpoint(fields, now), 'ok');
    }
  }

  #update(fields: Record<string, unknown>, now: number): Answer {
    const component = this.#findComponent(fields.InferenceComponentName, now);
    const copies = bodyFields(fields.DesiredRuntimeConfig).CopyCount;
    if (typeof copies !== 'number' || !Number.isInteger(copies) || copies < 0) {
      throw validation('DesiredRuntimeConfig.CopyCount must be an integer of at least 0.');
    }
    const { status } = component.phase;
    const reply = { InferenceComponentArn: component.arn };
    if (
      status === 'ScalingUp' ||
      status === 'ScalingDown' ||
      status === 'Creating' ||
      status === 'Deleting'
    ) {
      throw validation(
        `Inference component ${component.inferenceComponentName} cannot be updated while its status is ${wireOf(component).status}.`,
      );
    }
    if (copies === 0) {
      if (status === 'InService') {
        this.#kernel.beginStop(component, now, scalingDown);
        component.modifiedAt = now;
        return answer(reply, 'accepted');
      }
      // Already without copies (a failed scale-up holds none): nothing to release.
      component.phase = { status: 'ScaledToZero' };
      return answer(reply, 'ok');
    }
    if (status === 'InService') {
      if (copies === component.units?.min) return answer(reply, 'ok');
      throw validation(
        `The emulator scales ${component.inferenceComponentName} between zero and a number of copies; it holds ${component.units?.min}.`,
      );
    }
    const quota = this.#kernel.inferenceUnitQuota;
    if (this.#kernel.unitsInUse(this.#allComponents(), holdingCopies, now) + copies > quota) {
      throw sageMakerError(
        'ResourceLimitExceeded',
        `Scaling to ${copies} copies would exceed the account's limit of ${quota} copies.`,
      );
    }
    const endpoint = this.#endpoints.get(component.endpointName) as EndpointRecord;
    const coldEndpoint = !this.#hasInstances(endpoint, now);
    this.#kernel.beginStart(component, billedOf(component), { min: copies }, now, scalingUp);
    if (coldEndpoint && 'until' in component.phase) {
      const extra = this.#kernel.draw({ start: this.#scaleFromZero }, 'start');
      component.phase = { ...component.phase, until: component.phase.until + extra };
    }
    component.modifiedAt = now;
    return answer(reply, 'accepted');
  }

  #listComponents(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    const endpointName = fields.EndpointNameEquals;
    if (endpointName !== undefined && typeof endpointName !== 'string') {
      throw validation('EndpointNameEquals must be a string.');
    }
    const statusEquals = stringOf(fields.StatusEquals);
    // Newest first, the service's default order (CreationTime, Descending).
    const all = this.#allComponents()
      .filter((component) => endpointName === undefined || component.endpointName === endpointName)
      .filter((component) => {
        this.#kernel.settle(component, now);
        return statusEquals === undefined || wireOf(component).status === statusEquals;
      })
      .reverse();
    const listing = `components:${endpointName ?? '*'}:${statusEquals ?? '*'}`;
    const { page, next } = this.#page(all, fields, listing);
    return {
      InferenceComponents: page.map((component) => ({
        InferenceComponentName: component.inferenceComponentName,
        InferenceComponentArn: component.arn,
        EndpointName: component.endpointName,
        EndpointArn: (this.#endpoints.get(component.endpointName) as EndpointRecord).arn,
        VariantName: 'AllTraffic',
        InferenceComponentStatus: wireOf(component).status,
        CreationTime: component.createdAt / 1000,
        LastModifiedTime: component.modifiedAt / 1000,
      })),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }

  #listEndpoints(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    const all = [...this.#endpoints.values()].reverse();
    const { page, next } = this.#page(all, fields, 'endpoints');
    return {
      Endpoints: page.map((endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: endpoint.arn,
        CreationTime: endpoint.createdAt / 1000,
        LastModifiedTime: this.#endpointModifiedAt(endpoint, now) / 1000,
        EndpointStatus: 'InService',
      })),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }

  #describeEndpoint(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    const name = fields.EndpointName;
    const endpoint = typeof name === 'string' ? this.#endpoints.get(name) : undefined;
    if (!endpoint) throw validation(`Could not find endpoint "${String(name)}".`);
    const instances = this.#hasInstances(endpoint, now) ? 1 : 0;
    return {
      EndpointName: endpoint.name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: `${endpoint.name}-config`,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentInstanceCount: instances,
          DesiredInstanceCount: instances,
          ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 4 },
        },
      ],
      EndpointStatus: 'InService',
      CreationTime: endpoint.createdAt / 1000,
      LastModifiedTime: this.#endpointModifiedAt(endpoint, now) / 1000,
    };
  }

  #page<T>(
    all: readonly T[],
    fields: Record<string, unknown>,
    listing: string,
  ): { page: T[]; next?: string } {
    const pageSize = fields.MaxResults === undefined ? this.#kernel.pageSize : fields.MaxResults;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw validation('MaxResults must be from 1 to 100.');
    }
    const offset =
      fields.NextToken === undefined
        ? 0
        : decodeNextToken(fields.NextToken, listing, () => validation('Invalid pagination token.'));
    const page = all.slice(offset, offset + pageSize);
    return offset + pageSize < all.length
      ? { page, next: encodeNextToken(listing, offset + pageSize) }
      : { page };
  }

  /** Whether any component of the endpoint holds copies, so its instances are up. */
  #hasInstances(endpoint: EndpointRecord, now: number): boolean {
    return this.#kernel.unitsInUse(endpoint.components.values(), holdingCopies, now) > 0;
  }

  #endpointModifiedAt(endpoint: EndpointRecord, now: number): number {
    let latest = endpoint.createdAt;
    for (const component of endpoint.components.values()) {
      this.#kernel.settle(component, now);
      latest = Math.max(latest, component.modifiedAt);
    }
    return latest;
  }

  #componentNamed(name: string): ComponentRecord | undefined {
    for (const endpoint of this.#endpoints.values()) {
      const component = endpoint.components.get(name);
      if (component) return component;
    }
    return undefined;
  }

  #findComponent(name: unknown, now: number): ComponentRecord {
    if (typeof name !== 'string' || !namePattern.test(name)) {
      throw validation(`Invalid InferenceComponentName: ${String(name)}`);
    }
    const component = this.#componentNamed(name);
    if (!component) throw validation(`Could not find inference component "${name}".`);
    this.#kernel.settle(component, now);
    return component;
  }

  #allComponents(): ComponentRecord[] {
    return [...this.#endpoints.values()].flatMap((endpoint) => [...endpoint.components.values()]);
  }

  // ---------------------------------------------------------------- administration

  /** Creates an endpoint (with managed instance scaling down to zero) if it does not exist yet. */
  seedEndpoint(endpointName: string): string {
    if (!namePattern.test(endpointName)) throw new RangeError(`invalid endpoint name: ${endpointName}`);
    let endpoint = this.#endpoints.get(endpointName);
    if (!endpoint) {
      const { region, accountId } = this.#kernel;
      endpoint = {
        name: endpointName,
        arn: `arn:aws:sagemaker:${region}:${accountId}:endpoint/${endpointName.toLowerCase()}`,
        createdAt: this.clock.now().getTime(),
        components: new Map(),
      };
      this.#endpoints.set(endpointName, endpoint);
    }
    return endpoint.arn;
  }

  /**
   * Creates the endpoint if needed and a component on it; replaces a component of the same name
   * (component names are unique in the account, across endpoints).
   */
  seedModel(spec: SeedInferenceComponent): InferenceComponentSnapshot {
    const name = spec.inferenceComponentName;
    if (!namePattern.test(name)) throw new RangeError(`invalid inference component name: ${name}`);
    this.seedEndpoint(spec.endpointName);
    for (const endpoint of this.#endpoints.values()) endpoint.components.delete(name);
    const endpoint = this.#endpoints.get(spec.endpointName) as EndpointRecord;
    const now = this.clock.now().getTime();
    const status = spec.phase ?? 'ScaledToZero';
    const latencies = { ...spec.latencies };
    const phase: Phase<ComponentPhase> =
      status === 'ScalingUp'
        ? { status, until: now + this.#kernel.draw(latencies, 'start'), becomes: 'InService' }
        : status === 'ScalingDown'
          ? {
              status,
              until: now + this.#kernel.draw(latencies, 'stop'),
              becomes: 'ScaledToZero',
              closes: 'stopped',
            }
          : { status };
    const { region, accountId } = this.#kernel;
    const component: ComponentRecord = {
      endpointName: spec.endpointName,
      inferenceComponentName: name,
      arn: `arn:aws:sagemaker:${region}:${accountId}:inference-component/${name.toLowerCase()}`,
      createdAt: now,
      modifiedAt: now,
      phase,
      latencies,
      failNextStarts: 0,
    };
    if (holdingCopies.has(status))
      this.#kernel.bill(component, billedOf(component), { min: spec.copies ?? 1 }, now);
    else if (status === 'Failed') component.units = { min: spec.copies ?? 1 };
    endpoint.components.set(name, component);
    return snapshot(component, endpoint);
  }

  /** Every component, settled at the current instant, sorted by endpoint and name. */
  models(): InferenceComponentSnapshot[] {
    const now = this.clock.now().getTime();
    return [...this.#endpoints.values()]
      .flatMap((endpoint) =>
        [...endpoint.components.values()].map((component) => {
          this.#kernel.settle(component, now);
          return snapshot(component, endpoint);
        }),
      )
      .sort(
        (a, b) =>
          a.endpointName.localeCompare(b.endpointName) ||
          a.inferenceComponentName.localeCompare(b.inferenceComponentName),
      );
  }

  /** One component settled at the current instant; throws when it does not exist. */
  model(address: ComponentAddress): InferenceComponentSnapshot {
    const component = this.#adminFind(address);
    return snapshot(component, this.#endpoints.get(address.endpointName) as EndpointRecord);
  }

  /** Sets the latencies of one component, or the defaults of every component without its own. */
  setLatencies(latencies: Latencies, address?: ComponentAddress): void {
    if (address) {
      const component = this.#adminFind(address);
      component.latencies = { ...component.latencies, ...latencies };
    } else {
      this.#kernel.setDefaultLatencies(latencies);
    }
  }

  /** Makes the next `count` accepted scale-ups of a component end in Failed. */
  failNextStarts(address: ComponentAddress, count = 1): void {
    this.#adminFind(address).failNextStarts += count;
  }

  /** Answers the next matching requests with a chosen exception (AccessDenied, ResourceLimitExceeded, …). */
  injectError(spec: SageMakerInjectedError): void {
    this.#kernel.injectError(spec);
  }

  /** Replaces the random faults. */
  setFaults(faults: RandomFaults<SageMakerApiName>): void {
    this.#kernel.setFaults(faults);
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerApi<SageMakerApiName, number>): void {
    this.#kernel.setQuota(requestsPerSecond);
  }

  /** Every AWS request answered so far, oldest first. */
  callLog(): readonly SageMakerCallRecord[] {
    return this.#kernel.callLog();
  }

  /** The billing ledger at the current instant: copy-minutes per component. */
  ledger(): SageMakerLedgerReport {
    // Settling first closes runs whose scale-down completed or whose scale-up failed before now.
    this.models();
    return this.#kernel.ledger((run) => `${run.endpointName}/${run.inferenceComponentName}`);
  }

  /** Forgets endpoints, faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.#endpoints.clear();
    this.#kernel.reset();
  }

  /** Seeding and fail-next-starts over the admin API. */
  adminRoute(route: string, body: unknown): AdminResponse | undefined {
    return sageMakerAdminRoute(this, route, body);
  }

  #adminFind(address: ComponentAddress): ComponentRecord {
    const component = this.#endpoints
      .get(address.endpointName)
      ?.components.get(address.inferenceComponentName);
    if (!component) {
      throw new RangeError(
        `no inference component ${address.endpointName}/${address.inferenceComponentName} in the emulator`,
      );
    }
    this.#kernel.settle(component, this.clock.now().getTime());
    return component;
  }
}

const answer = (body: unknown, outcome: CallOutcome): Answer => ({
  response: { httpStatus: 200, body },
  outcome,
});

const billedOf = (component: ComponentRecord): SageMakerBilled => ({
  endpointName: component.endpointName,
  inferenceComponentName: component.inferenceComponentName,
  inferenceComponentArn: component.arn,
});

const describeComponent = (component: ComponentRecord, endpoint: EndpointRecord): Record<string, unknown> => {
  const { status, desired, current } = wireOf(component);
  return {
    InferenceComponentName: component.inferenceComponentName,
    InferenceComponentArn: component.arn,
    EndpointName: component.endpointName,
    EndpointArn: endpoint.arn,
    VariantName: 'AllTraffic',
    ...(component.phase.status === 'Failed' ? { FailureReason: messages.Failed } : {}),
    RuntimeConfig: { DesiredCopyCount: desired, CurrentCopyCount: current },
    CreationTime: component.createdAt / 1000,
    LastModifiedTime: component.modifiedAt / 1000,
    InferenceComponentStatus: status,
  };
};

const snapshot = (component: ComponentRecord, endpoint: EndpointRecord): InferenceComponentSnapshot => {
  const { desired, current } = wireOf(component);
  return {
    endpointName: component.endpointName,
    inferenceComponentName: component.inferenceComponentName,
    inferenceComponentArn: component.arn,
    endpointArn: endpoint.arn,
    desiredCopyCount: desired,
    currentCopyCount: current,
    ...hostingSnapshot(component, messages[component.phase.status], desired > 0 || current > 0),
  };
};

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const bodyFields = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
