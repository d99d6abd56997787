// 消息通知: the caller's in-app notifications, newest first; mark one or all read. New ones arrive live
// (notificationAdded) and are put on top without a reload.
import { useEffect, useState } from 'react';
import { Button, List, Space, Switch, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

const InboxDocument = graphql(`
  query Inbox($unreadOnly: Boolean) {
    notifications(unreadOnly: $unreadOnly, first: 50) {
      totalCount
      edges {
        node {
          id
          title
          body
          kind
          createdAt
          readAt
          lead {
            id
          }
        }
      }
    }
  }
`);

const AddedDocument = graphql(`
  subscription InboxAdded {
    notificationAdded {
      id
    }
  }
`);

const MarkReadDocument = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids) {
      id
      readAt
    }
  }
`);

const MarkAllDocument = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead
  }
`);

const T = {
  zh: { title: '消息通知', unreadOnly: '只看未读', markRead: '标为已读', markAll: '全部标为已读', unread: '未读', read: '已读', none: '暂无消息' },
  en: { title: 'Notifications', unreadOnly: 'Unread only', markRead: 'Mark read', markAll: 'Mark all read', unread: 'Unread', read: 'Read', none: 'No notifications' },
};

export default function NotificationsPage() {
  const { lang } = useI18n();
  const w = T[lang];
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [{ data, error, fetching }, refetch] = useQuery({ query: InboxDocument, variables: { unreadOnly } });
  const [added] = useSubscription({ query: AddedDocument });
  const [markState, markRead] = useMutation(MarkReadDocument);
  const [allState, markAll] = useMutation(MarkAllDocument);
  const lastAdded = added.data?.notificationAdded.id;
  // A new notification: reload the list from the api (it decides what the caller may see of it).
  useEffect(() => {
    if (lastAdded) refetch({ requestPolicy: 'network-only' });
  }, [lastAdded, refetch]);
  const items = data?.notifications.edges.map((e) => e.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <>
      <Typography.Title level={2}>{w.title}</Typography.Title>
      <ApiErrorAlert error={error ?? markState.error ?? allState.error} />
      <Space style={{ marginBottom: 16 }}>
        <Switch checked={unreadOnly} onChange={setUnreadOnly} aria-label={w.unreadOnly} />
        <span>{w.unreadOnly}</span>
        <Button onClick={() => void markAll({}).then(reload)} disabled={!items.some((n) => !n.readAt)}>
          {w.markAll}
        </Button>
      </Space>
      <List
        data-testid="inbox"
        loading={fetching && !data}
        locale={{ emptyText: w.none }}
        dataSource={items}
        renderItem={(n) => (
          <List.Item
            data-testid="inbox-item"
            actions={
              n.readAt
                ? []
                : [
                    <Button key="read" size="small" onClick={() => void markRead({ ids: [n.id] }).then(reload)}>
                      {w.markRead}
                    </Button>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space>
                  {/* Text, not colour alone, says whether it is read. */}
                  <Tag color={n.readAt ? 'default' : 'blue'}>{n.readAt ? w.read : w.unread}</Tag>
                  {n.lead ? <Link to={`/leads/${n.lead.id}`}>{n.title}</Link> : n.title}
                </Space>
              }
              description={
                <>
                  {n.body}
                  <Typography.Text type="secondary"> · {new Date(n.createdAt as string).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </>
  );
}
