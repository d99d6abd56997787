/** Messages of the GraphQL input boundary (libs/common/src/graphql/input-boundary.ts). */
export const Msg = {
  nulByte: 'must not contain the NUL character (U+0000)',
  loneSurrogate: 'must be well-formed Unicode (contains a lone surrogate)',
  required: 'is required',
  subscriptionsUnsupported: 'subscriptions are not supported',
  invalidDateTime: 'must be an ISO 8601 date-time between years 1 and 9999, e.g. "2025-01-31T08:00:00Z"',
  mustBeObject: (type: string) => `must be an object of type ${type}`,
  unknownField: (type: string) => `is not a field of ${type}`,
  notEnumValue: (type: string) => `is not a value of the enum ${type}`,
  invalidValue: (type: string) => `is not a valid ${type}`,
} as const;
