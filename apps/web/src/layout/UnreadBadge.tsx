// The live unread count beside 消息通知 in the menu: the api's unreadNotificationCount subscription sends
// the current value first, then every change (graphql-ws), so no polling and no separate query.
import { Badge } from 'antd';
import { useSubscription } from 'urql';
import { graphql } from '../gql';

const UnreadCountDocument = graphql(`
  subscription UnreadCount {
    unreadNotificationCount
  }
`);

export function UnreadBadge({ label }: { label: string }) {
  const [{ data }] = useSubscription({ query: UnreadCountDocument });
  const n = data?.unreadNotificationCount ?? 0;
  return <Badge data-testid="unread-badge" count={n} size="small" offset={[8, 0]} aria-label={`${label}: ${n}`} />;
}
