import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { Request, Response } from 'express';
import type { Logger } from '@nestjs/common';
import type { AppConfig } from '@zs/config';
import { type DocumentNode, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { HeaderMap } from '@apollo/server';
import {
  DateTimeScalar,
  type GqlContext,
  RateLimitedException,
  ValidationException,
  aliasLimitRule,
  costLimitError,
  depthLimitRule,
  estimateCost,
  formatGraphQLError,
  inputStringRule,
  requestIdOf,
  tagTokenLimit,
  variableProblems,
} from '@zs/common';
import type { AuthService } from '@zs/identity';
import { type OperationChecks, type SchemaHolder, graphqlWsOptions } from './graphql-ws';

/** Rejects over-expensive operations after validation and before any resolver runs. */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

function costLimitPlugin(maxCost: number): ApolloPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const refused = costRefusal(schema, document, operation, request.variables ?? {}, maxCost);
          if (refused) throw refused;
        },
      };
    },
  };
}

function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  maxCost: number,
): GraphQLError | null {
  const cost = estimateCost(schema, document, operation, variables);
  return cost > maxCost ? costLimitError(cost, maxCost) : null;
}

const refuseInput = (e: ValidationException) => new GraphQLError(e.message, { originalError: e, extensions: { http: { status: 400 } } });

/** Variable problems as one BAD_USER_INPUT refusal, or null. */
function inputRefusal(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): GraphQLError | null {
  const problems = variableProblems(schema, operation, variables);
  return problems.length ? refuseInput(new ValidationException(problems)) : null;
}

/**
 * The abuse limits as one set of checks, applied to HTTP requests (validation rules and the plugins
 * below) and to WebSocket subscriptions (graphql-ws.ts) alike.
 */
export function operationChecks(config: AppConfig): OperationChecks {
  return {
    validationRules: [depthLimitRule(config.limits.maxDepth), aliasLimitRule(config.limits.maxAliases), inputStringRule],
    check: (schema, document, operation, variables) =>
      [inputRefusal(schema, operation, variables), costRefusal(schema, document, operation, variables, config.limits.maxCost)].filter(
        (e): e is GraphQLError => e !== null,
      ),
  };
}

/** Keeps the schema Apollo built, for the WebSocket side. */
function schemaCapturePlugin(holder: SchemaHolder): ApolloPlugin {
  return {
    async serverWillStart({ schema }) {
      holder.schema = schema;
    },
  };
}

/**
 * Every variable of the operation is coerced and its strings checked before any resolver runs, so bad
 * input is one BAD_USER_INPUT with structured paths; subscriptions are not served over HTTP.
 */
function inputGuardPlugin(): ApolloPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, request }) {
          if (!operation) return;
          // Subscriptions are served over WebSocket (graphql-ws on the same path) only.
          if (operation.operation === 'subscription') {
            throw refuseInput(ValidationException.field('operation', 'subscription operations are not served over HTTP'));
          }
          const refused = inputRefusal(schema, operation, request.variables ?? {});
          if (refused) throw refused;
        },
      };
    },
  };
}

/** Schema building options shared by the running api and `npm run schema:print`. */
export const BUILD_SCHEMA_OPTIONS = { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] };

/**
 * A caller whose credentials are rate limited (API-key per-minute limit) is refused as a whole
 * request: HTTP 429 with Retry-After, as the GraphQL-over-HTTP convention allows, before any resolver
 * runs. Refusals of one field (a login that is throttled) stay GraphQL errors in a 200 response.
 */
function rateLimitPlugin(): ApolloPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          const error = (contextValue as GqlContext).authError;
          if (!(error instanceof RateLimitedException)) return;
          const retryAfter = Math.max(1, Math.ceil(Number(error.details.retryAfterSeconds) || 1));
          throw new GraphQLError(error.message, {
            originalError: error,
            extensions: { http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) } },
          });
        },
      };
    },
  };
}

/** q-value the Accept header gives a media type (0 when absent or refused). */
function acceptQuality(accept: string, type: string): number {
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media type, also what
 * no Accept header means) gets 200 for a well-formed request whose document fails to parse or
 * validate, or whose variables are wrong; the errors are in the body. Clients preferring
 * `application/graphql-response+json` keep the 400. Whole-request refusals (429, malformed JSON)
 * are untouched.
 */
function legacyJsonStatusPlugin(): ApolloPlugin {
  return {
    async requestDidStart({ request }) {
      const accept = request.http?.headers.get('accept') ?? '';
      const graphqlResponse = acceptQuality(accept, 'application/graphql-response+json');
      const json = Math.max(acceptQuality(accept, 'application/json'), accept.trim() === '' ? 1 : 0);
      if (graphqlResponse > 0 && graphqlResponse >= json) return {};
      return {
        async willSendResponse({ response }) {
          if (response.http.status === 400 && response.body.kind === 'single' && response.body.singleResult.data === undefined) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}

export function graphqlOptions(
  config: AppConfig,
  auth: AuthService,
  logger: Logger,
  extraPlugins: ApolloPlugin[] = [],
): ApolloDriverConfig {
  // `npm start` runs in development mode and is what small installations use: its errors look like
  // production's; internals (messages, stack traces) only when an operator asks with LOG_LEVEL=debug.
  const dev = config.nodeEnv !== 'production' && config.logLevel === 'debug';
  const checks = operationChecks(config);
  const holder: SchemaHolder = {};
  const formatError = (formatted: GraphQLFormattedError, error: unknown) =>
    formatGraphQLError(tagTokenLimit(formatted, error, config.limits.maxTokens), error, {
      exposeInternals: dev,
      onInternalError: (e) => logger.error(e instanceof Error ? e : String(e)),
    });
  return {
    autoSchemaFile: true,
    buildSchemaOptions: BUILD_SCHEMA_OPTIONS,
    sortSchema: true,
    path: '/graphql',
    // Apollo's landing page and Nest's GraphiQL load from public CDNs: both off. The platform serves
    // its own IDE (libs/ops IdeModule) at /ide and at GET /graphql for browsers.
    playground: false,
    graphiql: false,
    introspection: config.graphqlIde || config.nodeEnv !== 'production',
    csrfPrevention: true,
    // "Did you mean …" suggestions name fields, arguments and types: schema details production hides.
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    includeStacktraceInErrorResponses: dev,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: checks.validationRules,
    plugins: [
      ApolloServerPluginLandingPageDisabled() as ApolloPlugin,
      // We send no cache hints; the default cache-control plugin would wrap every field resolver for nothing.
      ApolloServerPluginCacheControlDisabled() as ApolloPlugin,
      rateLimitPlugin(),
      inputGuardPlugin(),
      costLimitPlugin(config.limits.maxCost),
      legacyJsonStatusPlugin(),
      schemaCapturePlugin(holder),
      ...extraPlugins,
    ],
    formatError,
    subscriptions: { 'graphql-ws': graphqlWsOptions(config, auth, holder, checks, formatError, logger) },
    context: async ({ req, res }: { req: Request; res: Response }): Promise<GqlContext> => {
      const apiKey = req.header('x-api-key');
      const { actor, error } = await auth.authenticate({
        authorization: req.header('authorization'),
        apiKey,
      });
      return { req, res, requestId: requestIdOf(req), actor, authError: error, loaders: new Map() };
    },
  };
}
