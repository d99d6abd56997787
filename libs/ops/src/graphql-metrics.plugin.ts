import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { MetricsService } from './metrics.service';

/** Apollo's plugin type as @nestjs/apollo sees it (CommonJS and ESM typings of @apollo/server differ). */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

interface ResponseLike {
  response: {
    body:
      | { kind: 'single'; singleResult: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } }
      | { kind: 'incremental'; initialResult: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } };
  };
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
}

/** The code of the first error sent to the client (after formatError), or undefined on success. */
export function firstErrorCode(ctx: ResponseLike): unknown {
  const body = ctx.response.body;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  if (errors && errors.length > 0) return errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  if (ctx.errors && ctx.errors.length > 0) return ctx.errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  return undefined;
}

/**
 * Counts and times every GraphQL operation by name and outcome. The name is taken only once the
 * document parsed and validated; requests that never got that far are `(unparsed)`.
 */
export function graphqlMetricsPlugin(metrics: MetricsService): ApolloPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operation = '(unparsed)';
      return {
        async didResolveOperation({ request, operation: op }) {
          operation = metrics.operationLabel(request.operationName ?? op?.name?.value);
        },
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.observeGraphql(operation, metrics.outcomeLabel(firstErrorCode(ctx as ResponseLike)), seconds);
        },
      };
    },
  };
}
