// The session: token, the urql client built for it, and the caller (`me`: role and unit) every page and
// the side menu read. Logging out revokes the token at the api and drops the client with its cache.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider, useQuery } from 'urql';
import { Result, Spin } from 'antd';
import { graphql } from '../gql';
import type { MeQuery } from '../gql/graphql';
import { createApiClient } from '../data/client';
import { readToken, storeToken } from './token';
import { useI18n } from '../i18n';

export type CurrentUser = Extract<MeQuery['me'], { __typename: 'User' }>;
export type Role = CurrentUser['role'];

const MeDocument = graphql(`
  query Me {
    me {
      __typename
      ... on User {
        id
        username
        displayName
        role
        unit {
          id
          code
          name
          tier
          parent {
            id
            name
            tier
          }
        }
      }
    }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

interface Session {
  token: string | null;
  /** Null before login or while loading. */
  user: CurrentUser | null;
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
  /** The api refused the token (expired, revoked): back to the login page without calling logout. */
  expired: boolean;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The caller; only under a route that requires login (RequireUser). */
export function useUser(): CurrentUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a logged-in user');
  return user;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [expired, setExpired] = useState(false);
  const onUnauthenticated = useCallback(() => {
    storeToken(null);
    setExpired(true);
    setToken(null);
  }, []);
  // A new client per token: no cached answer of one user is ever shown to the next.
  const api = useMemo(() => createApiClient(onUnauthenticated), [token, onUnauthenticated]);
  useEffect(() => () => api.dispose(), [api]);

  const signIn = useCallback((next: string) => {
    storeToken(next);
    setExpired(false);
    setToken(next);
  }, []);
  const signOut = useCallback(async () => {
    // Revoke at the api first; a failure (already expired) still ends the session here.
    await api.client.mutation(LogoutDocument, {}).toPromise();
    storeToken(null);
    setToken(null);
  }, [api]);

  return (
    <Provider value={api.client}>
      <CallerLoader token={token} signIn={signIn} signOut={signOut} expired={expired}>
        {children}
      </CallerLoader>
    </Provider>
  );
}

function CallerLoader({ children, ...rest }: Omit<Session, 'user'> & { children: ReactNode }) {
  const { t } = useI18n();
  const [{ data, fetching, error }] = useQuery({ query: MeDocument, pause: !rest.token, requestPolicy: 'network-only' });
  const me = data?.me;
  const user = rest.token && me?.__typename === 'User' ? me : null;
  if (rest.token && fetching && !data) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <Spin tip={t('loading')} size="large">
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    );
  }
  if (rest.token && error && !data && !error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    return <Result status="error" title={t('somethingWrong')} subTitle={t('networkError')} />;
  }
  return <SessionContext.Provider value={{ ...rest, user }}>{children}</SessionContext.Provider>;
}
