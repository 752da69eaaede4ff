/**
 * SageMaker inference components on the emulator kernel: endpoints, the components they host, their
 * copy counts, the service's exceptions and the JSON 1.1 answers of the calls the scheduler and a
 * person with the AWS CLI make. The kernel supplies the clock, quota, faults, call log, ledger and
 * state machine; the shared `HostingEngine` the administration every engine offers. A component's
 * copies are its inference units, billed per copy-minute.
 *
 * Scaling up from zero copies takes the start latency; when no component of the endpoint holds
 * copies, the endpoint has no instances (managed instance scaling down to zero) and the instances'
 * own start is added. Scaling down takes the stop latency. The API has no client token: any count is
 * accepted from a settled component, none while it is updating.
 */

import type { InjectedError } from '../../../emulator/faults.ts';
import { HostingEngine } from '../../../emulator/hosting-engine.ts';
import {
  type Answer,
  answer,
  type CallRecord,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
} from '../../../emulator/kernel.ts';
import type { LedgerReport, LedgerRun } from '../../../emulator/ledger.ts';
import type { Latency } from '../../../emulator/random.ts';
import { bodyFields } from '../../../emulator/requests.ts';
import type { WireRequest, WireResponse } from '../../../emulator/wire.ts';
import { type SeedInferenceComponent, sageMakerRequestOf, seedComponentBody } from './routes.ts';
import {
  type ComponentAddress,
  type ComponentPhase,
  componentPhaseMessages,
  namePattern,
  type SageMakerApiName,
  type SageMakerApiRequest,
  type SageMakerErrorType,
  sageMakerError,
  sageMakerService,
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
}

// The service writes the names in its ARNs in lower case.

/**
 * How a component's copies move: the phases in which it holds (and bills) copies and keeps its
 * endpoint's instances, a scale-up from zero and a scale-down to zero.
 */
const lifecycle = {
  holding: new Set<ComponentPhase>(['ScalingUp', 'InService', 'ScalingDown']),
  up: { starting: 'ScalingUp', hosted: 'InService', failed: 'Failed' },
  down: { stopping: 'ScalingDown', stopped: 'ScaledToZero' },
} as const;

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

/** SageMaker inference components: `handle` for AWS requests, the other methods (its own and the shared ones) for administration. */
export class SageMakerEngine extends HostingEngine<{
  api: SageMakerApiName;
  errorType: SageMakerErrorType;
  address: ComponentAddress;
  record: ComponentRecord;
  snapshot: InferenceComponentSnapshot;
  billed: SageMakerBilled;
  fields: SageMakerCallFields;
  seed: SeedInferenceComponent;
  request: SageMakerApiRequest;
}> {
  readonly seedSchema = seedComponentBody;
  readonly #scaleFromZero: Latency;
  #endpoints = new Map<string, EndpointRecord>();
  /** By name, unique in the account across endpoints; oldest first. */
  #components = new Map<string, ComponentRecord>();

  constructor(options: SageMakerEngineOptions) {
    super(options, sageMakerService);
    this.#scaleFromZero = options.scaleFromZeroLatency ?? { minMs: 3 * minute, maxMs: 8 * minute };
  }

  // ---------------------------------------------------------------- AWS requests

  /** A request whose `X-Amz-Target` names SageMaker; undefined for any other. */
  protected decode(request: WireRequest): SageMakerApiRequest | WireResponse | undefined {
    return sageMakerRequestOf(request);
  }

  handle(request: SageMakerApiRequest): WireResponse {
    const fields = bodyFields(request.body);
    const componentName = stringOf(fields.InferenceComponentName);
    const endpointName =
      stringOf(fields.EndpointName) ??
      stringOf(fields.EndpointNameEquals) ??
      (componentName === undefined ? undefined : this.#components.get(componentName)?.endpointName);
    const copyCount = bodyFields(fields.DesiredRuntimeConfig).CopyCount;
    return this.kernel.answer(
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
    return api === 'UpdateInferenceComponentRuntimeConfig'
      ? this.#update(fields, now)
      : answer(this.#reads[api](fields, now), 'ok');
  }

  /** The calls that only read, by operation. */
  readonly #reads: Readonly<
    Record<
      Exclude<SageMakerApiName, 'UpdateInferenceComponentRuntimeConfig'>,
      (fields: Record<string, unknown>, now: number) => Record<string, unknown>
    >
  > = {
    DescribeInferenceComponent: (fields, now) => {
      const component = this.#findComponent(fields.InferenceComponentName, now);
      return describeComponent(component, this.#endpointOf(component));
    },
    ListInferenceComponents: (fields, now) => this.#listComponents(fields, now),
    ListEndpoints: (fields, now) => this.#listEndpoints(fields, now),
    DescribeEndpoint: (fields, now) => this.#describeEndpoint(fields, now),
  };

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
        this.kernel.beginStop(component, now, lifecycle.down);
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
    this.kernel.admitUnits(this.records(), lifecycle.holding, { min: copies }, now, (quota) =>
      sageMakerError(
        'ResourceLimitExceeded',
        `Scaling to ${copies} copies would exceed the account's limit of ${quota} copies.`,
      ),
    );
    const coldEndpoint = !this.#hasInstances(this.#endpointOf(component), now);
    this.kernel.beginStart(component, billedOf(component), { min: copies }, now, lifecycle.up);
    if (coldEndpoint && 'until' in component.phase) {
      const extra = this.kernel.draw({ start: this.#scaleFromZero }, 'start');
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
    const all = this.records()
      .filter((component) => endpointName === undefined || component.endpointName === endpointName)
      .filter((component) => {
        this.kernel.settle(component, now);
        return statusEquals === undefined || wireOf(component).status === statusEquals;
      })
      .reverse();
    return this.#page(
      all,
      fields,
      { listing: `components:${endpointName ?? '*'}:${statusEquals ?? '*'}`, field: 'InferenceComponents' },
      (component) => ({
        InferenceComponentName: component.inferenceComponentName,
        InferenceComponentArn: component.arn,
        EndpointName: component.endpointName,
        EndpointArn: this.#endpointOf(component).arn,
        VariantName: 'AllTraffic',
        InferenceComponentStatus: wireOf(component).status,
        CreationTime: component.createdAt / 1000,
        LastModifiedTime: component.modifiedAt / 1000,
      }),
    );
  }

  #listEndpoints(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    return this.#page(
      [...this.#endpoints.values()].reverse(),
      fields,
      { listing: 'endpoints', field: 'Endpoints' },
      (endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: endpoint.arn,
        CreationTime: endpoint.createdAt / 1000,
        LastModifiedTime: this.#endpointModifiedAt(endpoint, now) / 1000,
        EndpointStatus: 'InService',
      }),
    );
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

  /** One page of `all` as a list request's `MaxResults` and `NextToken` ask for; items are settled already. */
  #page<Item>(
    all: readonly Item[],
    fields: Record<string, unknown>,
    list: { readonly listing: string; readonly field: string },
    describe: (item: Item) => unknown,
  ): Record<string, unknown> {
    return this.kernel.pageOf(all, {
      ...list,
      token: fields.NextToken,
      pageSize: this.kernel.pageSizeOf(fields.MaxResults, () =>
        validation('MaxResults must be from 1 to 100.'),
      ),
      describe,
      invalidToken: () => validation('Invalid pagination token.'),
    });
  }

  #endpointOf(component: ComponentRecord): EndpointRecord {
    return this.#endpoints.get(component.endpointName) as EndpointRecord;
  }

  /** Whether any component of the endpoint holds copies, so its instances are up. */
  #hasInstances(endpoint: EndpointRecord, now: number): boolean {
    return this.kernel.unitsInUse(this.#componentsOn(endpoint), lifecycle.holding, now) > 0;
  }

  #endpointModifiedAt(endpoint: EndpointRecord, now: number): number {
    let latest = endpoint.createdAt;
    for (const component of this.#componentsOn(endpoint)) {
      this.kernel.settle(component, now);
      latest = Math.max(latest, component.modifiedAt);
    }
    return latest;
  }

  #componentsOn(endpoint: EndpointRecord): ComponentRecord[] {
    return this.records().filter((component) => component.endpointName === endpoint.name);
  }

  #findComponent(name: unknown, now: number): ComponentRecord {
    if (typeof name !== 'string' || !namePattern.test(name)) {
      throw validation(`Invalid InferenceComponentName: ${String(name)}`);
    }
    const component = this.#components.get(name);
    if (!component) throw validation(`Could not find inference component "${name}".`);
    this.kernel.settle(component, now);
    return component;
  }

  protected records(): ComponentRecord[] {
    return [...this.#components.values()];
  }

  protected lookup(address: ComponentAddress): ComponentRecord | undefined {
    const component = this.#components.get(address.inferenceComponentName);
    return component?.endpointName === address.endpointName ? component : undefined;
  }

  protected snapshot(component: ComponentRecord): InferenceComponentSnapshot {
    const { desired, current } = wireOf(component);
    return {
      endpointName: component.endpointName,
      inferenceComponentName: component.inferenceComponentName,
      inferenceComponentArn: component.arn,
      endpointArn: this.#endpointOf(component).arn,
      desiredCopyCount: desired,
      currentCopyCount: current,
      ...hostingSnapshot(
        component,
        componentPhaseMessages[component.phase.status],
        desired > 0 || current > 0,
      ),
    };
  }

  // ---------------------------------------------------------------- administration

  /** Creates an endpoint (with managed instance scaling down to zero) if it does not exist yet. */
  seedEndpoint(endpointName: string): string {
    if (!namePattern.test(endpointName)) throw new RangeError(`invalid endpoint name: ${endpointName}`);
    let endpoint = this.#endpoints.get(endpointName);
    if (!endpoint) {
      const { region, accountId } = this.kernel;
      endpoint = {
        name: endpointName,
        arn: `arn:aws:sagemaker:${region}:${accountId}:endpoint/${endpointName.toLowerCase()}`,
        createdAt: this.clock.now().getTime(),
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
    const now = this.clock.now().getTime();
    const status = spec.phase ?? 'ScaledToZero';
    const latencies = { ...spec.latencies };
    const phase = this.kernel.seededPhase(status, latencies, now, lifecycle.up, lifecycle.down);
    const { region, accountId } = this.kernel;
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
    if (lifecycle.holding.has(status))
      this.kernel.bill(component, billedOf(component), { min: spec.copies ?? 1 }, now);
    else if (status === 'Failed') component.units = { min: spec.copies ?? 1 };
    // Last in creation order, as a new component.
    this.#components.delete(name);
    this.#components.set(name, component);
    return this.snapshot(component);
  }

  /** Forgets endpoints; the kernel forgets faults, the ledger and the call log. */
  protected forget(): void {
    this.#endpoints.clear();
    this.#components.clear();
  }
}

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
    ...(component.phase.status === 'Failed' ? { FailureReason: componentPhaseMessages.Failed } : {}),
    RuntimeConfig: { DesiredCopyCount: desired, CurrentCopyCount: current },
    CreationTime: component.createdAt / 1000,
    LastModifiedTime: component.modifiedAt / 1000,
    InferenceComponentStatus: status,
  };
};

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
