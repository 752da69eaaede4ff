import type { CallOptions } from '../../hosting/model-host.ts';

/**
 * The SDK's per-call options for a host call: its abort signal, so a Lambda about to time out
 * cancels the request and the SDK's own retries with it. Retries themselves are the client's
 * (adaptive mode, set where the client is built).
 */
export const sendOptions = (options: CallOptions): { abortSignal?: AbortSignal } =>
  options.signal === undefined ? {} : { abortSignal: options.signal };

/**
 * What every provider's SDK client is built with unless the caller says otherwise: the SDK's
 * adaptive retries (backoff plus client-side rate limiting when throttled), so no adapter needs a
 * retry loop of its own and a throttled fleet slows down instead of hammering the service.
 */
export const sdkClientDefaults = { retryMode: 'adaptive' } as const;
