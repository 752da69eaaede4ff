import { vi } from 'vitest';
import type { HostingErrorCode } from '../../../src/hosting/model-host.ts';
import type { HostOperation, ModelHostContractBackend } from '../model-host.contract.ts';

/** What the contract asks of every emulated service alike, whatever its wire protocol. */
interface EmulatedService<Api extends string, ErrorType extends string> {
  callLog(): readonly { readonly errorType?: string | undefined }[];
  injectError(spec: { api: Api; error: ErrorType; times: number }): void;
  setQuota(requestsPerSecond: number): void;
  setResponseDelay(ms: number): void;
}

/**
 * The parts of a contract backend that every emulator answers the same way: throttled requests
 * from its call log, a scripted fault by the service's own exception name, its quota, a response
 * delay, and the client's teardown.
 */
export const emulatedServiceParts = <Api extends string, ErrorType extends string>(
  emulator: EmulatedService<Api, ErrorType>,
  client: { destroy(): void },
  apiOf: Readonly<Record<HostOperation, Api>>,
  exceptionOf: Partial<Record<HostingErrorCode, ErrorType>>,
): Pick<
  ModelHostContractBackend,
  'throttledRequests' | 'injectFault' | 'setQuota' | 'delayResponses' | 'teardown'
> => ({
  throttledRequests: async () =>
    emulator.callLog().filter((call) => call.errorType === 'ThrottlingException').length,
  injectFault: async (operation, code, times) => {
    const error = exceptionOf[code];
    if (!error) throw new Error(`the emulator has no exception for ${code}`);
    emulator.injectError({ api: apiOf[operation], error, times });
  },
  setQuota: async (requestsPerSecond) => emulator.setQuota(requestsPerSecond),
  delayResponses: async (ms) => emulator.setResponseDelay(ms),
  teardown: async () => {
    client.destroy();
  },
});

/**
 * Points the SDK clients built from here on at an emulator through the SDK's own endpoint variable,
 * with placeholder credentials, until `vi.unstubAllEnvs()`.
 */
export const stubEmulatorEnv = (endpointVariable: string, url: string): void => {
  vi.stubEnv(endpointVariable, url);
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'emulator');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'emulator');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
};
