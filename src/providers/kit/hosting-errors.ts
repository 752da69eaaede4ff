import { HostingError, type HostingErrorCode } from '../../hosting/model-host.ts';

/** An SDK exception class, matched with `instanceof`. */
export type SdkExceptionClass = new (...args: never[]) => Error;

/**
 * What each of a service's SDK exceptions becomes, in order of precedence: the project's code and
 * whether the same call may succeed later without anything else changing. An exception the SDK does
 * not model (it arrives as the service exception) is matched by its name.
 */
export type SdkErrorTranslations = readonly (readonly [
  SdkExceptionClass | string,
  HostingErrorCode,
  boolean,
])[];

/**
 * Builds the translator of one SDK's exceptions into `HostingError`s that keep the original as
 * `cause`. The SDK has already retried throttling and 5xx answers by the time an error arrives here.
 *
 * @param translations - the service's exceptions and what each becomes
 * @returns `(error, action) => HostingError`, where `action` names the call for the message
 *   (`StartModel lookoutvision:circuit-boards/3`)
 */
export const hostingErrorTranslator =
  (translations: SdkErrorTranslations) =>
  (error: unknown, action: string): HostingError => {
    if (error instanceof HostingError) return error;
    const message = error instanceof Error ? error.message : String(error);
    for (const [type, code, retryable] of translations) {
      if (typeof type === 'string' ? error instanceof Error && error.name === type : error instanceof type)
        return new HostingError(code, `${action}: ${message}`, { cause: error, retryable });
    }
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      // The request may have reached the service before the abort. A later tick observes first and
      // then retries: with the same client token where the service has them, so it is deduplicated;
      // without, a start that did land is seen as starting instead of being sent again.
      return new HostingError('Aborted', `${action}: aborted (${message})`, {
        cause: error,
        retryable: true,
      });
    }
    // Network failures and exceptions the SDK does not model: the next tick may well succeed.
    return new HostingError('Unknown', `${action}: ${message}`, { cause: error, retryable: true });
  };
