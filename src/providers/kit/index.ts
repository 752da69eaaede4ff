/** What the provider adapters share, imported by each as `kit`. */
export { sdkClientDefaults, sendOptions } from './call-options.ts';
export { hostSupport, pages, requestedUnits } from './host-support.ts';
export { hostingErrorTranslator, type SdkErrorTranslations } from './hosting-errors.ts';
export { accepted, groupedBy, missing, observeInBatches, reportedUnits } from './observations.ts';
export { describeRef } from './refs.ts';
export { SdkModelHost } from './sdk-model-host.ts';
