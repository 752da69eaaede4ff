import type { ModelRef } from '../../hosting/model-host.ts';

/**
 * A ref as text, for a message about a ref the speaking host does not own: its provider and its
 * fields in the order they were written (the same text as the owner's key for a ref the owner built).
 */
export const describeRef = (ref: ModelRef): string => {
  const { provider, ...fields } = ref;
  return `${provider}:${Object.values(fields).join('/')}`;
};
