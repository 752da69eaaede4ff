/**
 * Request rules the emulated services share, each answered with the service's own exception:
 * the fields of a JSON body, inference units of a start, and list tokens.
 */
import type { Units } from './ledger.ts';
import type { ServiceError } from './service-error.ts';

/** The service's exception for a request that breaks a rule (ValidationException, InvalidParameterException). */
export type Invalid = (message: string) => ServiceError;

/** The fields of a JSON object in a request's body; none when it is not an object. */
export const bodyFields = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/** The `MinInferenceUnits` and `MaxInferenceUnits` of a start's body. */
export const parseUnits = (body: unknown, invalid: Invalid): Units => {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const min = fields.MinInferenceUnits;
  const max = fields.MaxInferenceUnits;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) {
    throw invalid('MinInferenceUnits must be an integer of at least 1.');
  }
  if (max === undefined || max === null) return { min };
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw invalid('MaxInferenceUnits must be an integer of at least 1.');
  }
  if (max < min) throw invalid('MaxInferenceUnits must not be less than MinInferenceUnits.');
  return { min, max };
};

// Opaque to callers like the real services' tokens, but bound to what is listed (a project), so a
// token from one listing cannot page through another.
/** The token of the page that starts at `offset` of `listing`. */
export const encodeNextToken = (listing: string, offset: number): string =>
  Buffer.from(JSON.stringify({ p: listing, o: offset })).toString('base64url');

/** The offset a token of `listing` names; `invalid` when it names none. */
export const decodeNextToken = (token: unknown, listing: string, invalid: () => ServiceError): number => {
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
      p?: unknown;
      o?: unknown;
    };
    if (
      decoded.p === listing &&
      typeof decoded.o === 'number' &&
      Number.isInteger(decoded.o) &&
      decoded.o >= 0
    ) {
      return decoded.o;
    }
  } catch {
    // falls through to the service's own exception below
  }
  throw invalid();
};
