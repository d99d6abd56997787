import { GraphQLError } from 'graphql';
import {
  StateConflictException,
  DomainException,
  AccessDeniedException,
  EntityNotFoundException,
  RateLimitedException,
  ServiceUnavailableException,
  UnauthenticatedException,
  ValidationException,
} from './domain.exception';
import { ErrorCode } from './error-code';
import { domainExtensions, formatGraphQLError, httpStatusOf } from './graphql-error.mapper';

const prod = { exposeInternals: false };
const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['f'] });

describe('formatGraphQLError', () => {
  it('maps every domain exception to its code, with fields/retryAfterSeconds/details where they belong', () => {
    const cases: [DomainException, Record<string, unknown>][] = [
      [new UnauthenticatedException(), { code: 'UNAUTHENTICATED' }],
      [new AccessDeniedException(), { code: 'FORBIDDEN' }],
      [new EntityNotFoundException('Lead'), { code: 'NOT_FOUND' }],
      [ValidationException.field('input.name', 'too long'), { code: 'BAD_USER_INPUT', fields: [{ path: 'input.name', message: 'too long' }] }],
      [new StateConflictException('dup', { constraint: 'x' }), { code: 'CONFLICT', constraint: 'x' }],
      [new RateLimitedException('slow down', 12), { code: 'RATE_LIMITED', retryAfterSeconds: 12 }],
      [new ServiceUnavailableException(), { code: 'SERVICE_UNAVAILABLE' }],
      [new DomainException(ErrorCode.Internal, 'boom'), { code: 'INTERNAL_SERVER_ERROR' }],
    ];
    for (const [e, extensions] of cases) {
      const out = formatGraphQLError({ message: 'x', path: ['f'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['a'] } }, wrap(e), prod);
      expect(out).toEqual({ message: e.message, locations: undefined, path: ['f'], extensions });
      expect(domainExtensions(e)).toEqual(extensions);
    }
    // Every code has an HTTP status.
    for (const code of Object.values(ErrorCode)) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it('hides unexpected errors, even a GraphQLError that says INTERNAL_SERVER_ERROR', () => {
    const logged: unknown[] = [];
    const opts = { exposeInternals: false, onInternalError: (e: unknown) => logged.push(e) };
    const pgError = Object.assign(new Error('relation "app_user" does not exist'), { code: '42P01' });
    expect(formatGraphQLError({ message: pgError.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, wrap(pgError), opts)).toEqual({
      message: 'Internal server error',
      locations: undefined,
      path: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const apollo = new GraphQLError('Context creation failed: connect ECONNREFUSED 127.0.0.1:5432', {
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(formatGraphQLError({ message: apollo.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, apollo, opts).message).toBe(
      'Internal server error',
    );
    expect(logged).toEqual([pgError, apollo]);
  });

  it('exposes message and stack trace only in development', () => {
    const err = new Error('the real reason');
    const dev = formatGraphQLError({ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrap(err), { exposeInternals: true });
    expect(dev.message).toBe('the real reason');
    expect(Array.isArray(dev.extensions?.stacktrace)).toBe(true);
  });

  it('passes request errors through without their stack trace', () => {
    const v = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(
      formatGraphQLError({ message: v.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['GraphQLError: …'] } }, v, prod),
    ).toEqual({ message: v.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('gives graphql-js BAD_USER_INPUT errors the fields shape, at their response path', () => {
    const message = 'Int cannot represent non-integer value: "x"';
    const e = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
    expect(formatGraphQLError({ message, path: ['leads', 'first'], extensions: { code: 'BAD_USER_INPUT' } }, e, prod).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ path: 'leads.first', message }],
    });
  });
});
