import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainException, type FieldError } from './domain.exception';
import { currentLanguage, translate, type Language } from '../i18n/catalog';
import { ErrorCode } from './error-code';

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** The single place where domain exceptions become GraphQL extensions. */
export function domainExtensions(e: DomainException): Record<string, unknown> {
  switch (e.code) {
    case ErrorCode.BadUserInput:
      return { code: e.code, fields: e.fields };
    case ErrorCode.RateLimited:
      return { code: e.code, retryAfterSeconds: e.details.retryAfterSeconds };
    case ErrorCode.Conflict:
      return { code: e.code, ...e.details };
    case ErrorCode.Unauthenticated:
    case ErrorCode.Forbidden:
    case ErrorCode.NotFound:
    case ErrorCode.ServiceUnavailable:
    case ErrorCode.Internal:
      return { code: e.code };
    default: {
      const unreachable: never = e.code;
      return { code: String(unreachable) };
    }
  }
}

// Codes Apollo and graphql-js produce on their own before any resolver runs; they describe the
// request, never the server, so their messages are safe to show. INTERNAL_SERVER_ERROR is not among
// them: Apollo gives that code to every unexpected error (e.g. "Context creation failed: connect
// ECONNREFUSED …"), whose message must not reach the caller.
const PASSTHROUGH_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.RateLimited,
  ErrorCode.ServiceUnavailable,
]);

export interface FormatOptions {
  exposeInternals: boolean;
  /** Defaults to the language of the request being served (Accept-Language). */
  language?: Language;
  onInternalError?: (error: unknown) => void;
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stack, ...rest } = formatted.extensions;
  return { ...formatted, extensions: rest };
}

/**
 * graphql-js reports bad values it coerces itself as BAD_USER_INPUT without `fields`; variables are
 * coerced earlier by the input guard (structured paths), so what remains is about a response path.
 */
function withFields(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (Array.isArray(formatted.extensions?.fields)) return formatted;
  const path = formatted.path?.join('.') ?? '';
  return { ...formatted, extensions: { ...formatted.extensions, fields: [{ path, message: formatted.message }] } };
}

/**
 * The one place messages are translated: the message and every `fields[].message`. A message made of
 * `path: message` parts (ValidationException's) is rebuilt from the translated fields.
 */
function localized(formatted: GraphQLFormattedError, language: Language): GraphQLFormattedError {
  if (language === 'en') return formatted;
  const fields = formatted.extensions?.fields;
  if (!Array.isArray(fields)) return { ...formatted, message: translate(formatted.message, language) };
  const list = fields as FieldError[];
  const composed = list.map((f) => `${f.path}: ${f.message}`).join('; ');
  const zhFields = list.map((f) => ({ path: f.path, message: translate(f.message, language) }));
  const message = formatted.message === composed ? zhFields.map((f) => `${f.path}: ${f.message}`).join('; ') : translate(formatted.message, language);
  return { ...formatted, message, extensions: { ...formatted.extensions, fields: zhFields } };
}

/**
 * Apollo `formatError` hook: domain exceptions keep their code and fields; errors about the request
 * itself (parse, validation, bad variables, limits) pass through; anything unexpected becomes
 * INTERNAL_SERVER_ERROR with a generic message. No stack trace leaves the server outside development.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  opts: FormatOptions,
): GraphQLFormattedError {
  const language = opts.language ?? currentLanguage();
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainException) {
    return localized(
      { message: original.message, locations: formatted.locations, path: formatted.path, extensions: domainExtensions(original) },
      language,
    );
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASSTHROUGH_CODES.has(code) && original instanceof GraphQLError) {
    const shown = code === ErrorCode.BadUserInput ? withFields(formatted) : formatted;
    return localized(opts.exposeInternals ? shown : withoutStacktrace(shown), language);
  }
  opts.onInternalError?.(original);
  return {
    message: opts.exposeInternals && original instanceof Error ? original.message : translate('Internal server error', language),
    locations: formatted.locations,
    path: formatted.path,
    extensions: opts.exposeInternals
      ? { code: ErrorCode.Internal, stacktrace: original instanceof Error ? original.stack?.split('\n') : undefined }
      : { code: ErrorCode.Internal },
  };
}
