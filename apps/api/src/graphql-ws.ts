import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { Logger } from '@nestjs/common';
import {
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ExecutionResult,
  type ValidationRule,
  type DocumentNode,
  type OperationDefinitionNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { AppConfig } from '@zs/config';
import { type Actor, type GqlContext, UnauthenticatedException, ValidationException, exceedsTokens } from '@zs/common';
import type { AuthService, Credentials } from '@zs/identity';

/** What graphql-ws/use/ws puts into `ctx.extra`. */
interface WsExtra {
  socket: WebSocket;
  request: IncomingMessage;
}

type WsContext = Context<Record<string, unknown> | undefined, unknown>;

/** Close codes of graphql-ws (4401: the credentials no longer check out). */
const CLOSE_UNAUTHORIZED = 4401;

/** The built schema, captured when Apollo starts (the WebSocket side needs it before any operation). */
export interface SchemaHolder {
  schema?: GraphQLSchema;
}

/** Credentials from the connection params: `{ authorization: "Bearer …" }`, `{ token }` or `{ apiKey }`. */
export function credentialsOf(params: Readonly<Record<string, unknown>> | undefined): Credentials {
  const str = (k: string) => (typeof params?.[k] === 'string' ? (params[k] as string) : undefined);
  const token = str('token');
  return {
    authorization: str('authorization') ?? str('Authorization') ?? (token ? `Bearer ${token}` : undefined),
    apiKey: str('apiKey') ?? str('x-api-key'),
  };
}

/** The abuse limits both transports apply (graphql-options.ts). */
export interface OperationChecks {
  /** The document's validation rules besides graphql-js's own (depth, aliases, input strings). */
  validationRules: ValidationRule[];
  /** Cost and variables: the errors that refuse the operation (empty when it may run). */
  check(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): GraphQLError[];
}

/**
 * graphql-ws on the api's HTTP server (path /graphql). Subscriptions only: queries and mutations stay
 * on HTTP, where the request limits and rate limits apply. The same abuse limits as over HTTP (token
 * count, depth, aliases, cost, variable checks) refuse an operation before it runs. Credentials come
 * in the connection params and are checked at connect and every WS_AUTH_RECHECK: once they no longer
 * check out (a revoked token, a disabled user or key) the socket is closed with 4401. Every operation
 * gets its own context (DataLoaders, the current actor), never one per socket.
 */
export function graphqlWsOptions(
  config: AppConfig,
  auth: AuthService,
  holder: SchemaHolder,
  checks: OperationChecks,
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  logger: Logger,
) {
  const actors = new WeakMap<WebSocket, Actor>();
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e));
  // onSubscribe must answer with GraphQLError objects: the formatted errors (codes, Chinese messages) as such.
  const refuse = (errors: readonly GraphQLError[]): GraphQLError[] =>
    formatAll(errors).map((f) => new GraphQLError(f.message, { extensions: f.extensions }));
  const extraOf = (ctx: WsContext) => ctx.extra as WsExtra;

  return {
    connectionInitWaitTimeout: 10_000,
    onConnect: async (ctx: WsContext): Promise<boolean> => {
      const creds = credentialsOf(ctx.connectionParams);
      const { actor } = await auth.authenticate(creds);
      if (!actor) return false; // graphql-ws closes with 4403 Forbidden
      const socket = extraOf(ctx).socket;
      actors.set(socket, actor);
      const timer = setInterval(() => {
        void auth.authenticate(creds).then(
          ({ actor: now, error }) => {
            if (now) actors.set(socket, now);
            // Only a definite "no" closes: Redis being away (SERVICE_UNAVAILABLE) is not a revocation.
            else if (error instanceof UnauthenticatedException) socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
          },
          (err: unknown) => logger.warn(`subscription credential check failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }, config.notifications.wsAuthRecheckMs);
      timer.unref();
      socket.once('close', () => clearInterval(timer));
      return true;
    },
    onSubscribe: (ctx: WsContext, _id: string, payload: SubscribePayload) => {
      const schema = holder.schema;
      const actor = actors.get(extraOf(ctx).socket);
      if (!schema || !actor) return refuse([new GraphQLError('Internal server error')]);
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: config.limits.maxTokens });
      } catch (err) {
        const e = err instanceof GraphQLError ? err : new GraphQLError(String(err));
        // The token limit is recognised by counting (the same check as over HTTP), not from graphql-js's wording.
        const tooLong = exceedsTokens(payload.query, config.limits.maxTokens);
        return refuse([
          new GraphQLError(tooLong ? `Document has more than ${config.limits.maxTokens} tokens, the limit; parsing aborted` : e.message, {
            extensions: { code: 'GRAPHQL_PARSE_FAILED', ...(tooLong ? { limit: 'tokens', maxTokens: config.limits.maxTokens } : {}) },
          }),
        ]);
      }
      const errors = validate(schema, document, [...specifiedRules, ...checks.validationRules]);
      if (errors.length) return refuse(errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return refuse([withCode(new GraphQLError('Unable to identify the operation'), 'GRAPHQL_VALIDATION_FAILED')]);
      if (operation.operation !== 'subscription') {
        return refuse([
          new GraphQLError('queries and mutations are served over HTTP', {
            originalError: ValidationException.field('operation', 'queries and mutations are served over HTTP'),
          }),
        ]);
      }
      const variables = (payload.variables ?? {}) as Record<string, unknown>;
      const refused = checks.check(schema, document, operation, variables);
      if (refused.length) return refuse(refused);
      const contextValue: GqlContext = {
        req: extraOf(ctx).request as unknown as Request,
        requestId: randomUUID(),
        actor,
        authError: null,
        loaders: new Map(),
      };
      return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
    },
    onNext: (_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: unknown, result: ExecutionResult) =>
      result.errors ? { ...result, errors: formatAll(result.errors) } : undefined,
  };
}

function withCode(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, originalError: e.originalError ?? undefined, extensions: { ...e.extensions, code } });
}
