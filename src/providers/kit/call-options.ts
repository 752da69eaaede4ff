import type { CallOptions } from '../../hosting/model-host.ts';

/**
 * The SDK's per-call options for a host call: its abort signal, so a Lambda about to time out
 * cancels the request and the SDK's own retries with it. Retries themselves are the client's
 * (adaptive mode, set where the client is built).
 */
export const sendOptions = (options: CallOptions): { abortSignal?: AbortSignal } =>
  options.signal === undefined ? {} : { abortSignal: options.signal };
