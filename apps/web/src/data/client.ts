// The one GraphQL client: same origin, Bearer token from the session, Accept-Language from the console's
// language (the api localizes its messages), subscriptions over graphql-ws on /graphql.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { currentLang } from '../i18n';
import { readToken } from '../auth/token';

export interface ApiClient {
  client: Client;
  dispose: () => void;
}

/** `onUnauthenticated` runs when the api says the token no longer checks out (expired, revoked). */
export function createApiClient(onUnauthenticated: () => void): ApiClient {
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  let ws: WsClient | undefined;
  const socket = (): WsClient => {
    ws ??= createWsClient({
      url: wsUrl,
      lazy: true,
      connectionParams: () => {
        const token = readToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      // 4401: the credentials no longer check out; the session ends like over HTTP.
      on: { closed: (event) => (event as CloseEvent).code === 4401 && onUnauthenticated() },
    });
    return ws;
  };
  const client = new Client({
    url: '/graphql',
    // POST with a JSON body: the api's CSRF prevention refuses simple GET requests.
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => {
      const token = readToken();
      const headers: Record<string, string> = { 'accept-language': currentLang() === 'en' ? 'en' : 'zh-CN' };
      if (token) headers.authorization = `Bearer ${token}`;
      return { headers };
    },
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && readToken()) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: socket().subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, dispose: () => void ws?.dispose() };
}
