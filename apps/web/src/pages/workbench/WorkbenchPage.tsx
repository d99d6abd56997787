// 工作台: my unit's open leads, referrals waiting for my unit, unread notifications, reminders (签约未落地).
import { Badge, Card, Col, List, Row, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { useUser } from '../../auth/session';
import { useI18n } from '../../i18n';
import { OPEN_STAGES, STAGE_LABELS, label } from '../../components/labels';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

const WorkbenchDocument = graphql(`
  query Workbench($unitId: ID!, $stages: [LeadStage!]!) {
    leads(first: 10, filter: { ownerUnitIds: [$unitId], stages: $stages }, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          id
          code
          title
          stage
          investor {
            name
          }
          updatedAt
        }
      }
    }
    referrals(direction: INCOMING, status: PENDING, first: 5) {
      totalCount
      edges {
        node {
          id
          createdAt
          fromUnit {
            name
          }
          lead {
            id
            title
          }
        }
      }
    }
    unreadNotificationCount
    notifications(unreadOnly: true, first: 5) {
      edges {
        node {
          id
          title
          createdAt
          lead {
            id
          }
        }
      }
    }
    signedNotLandedLeads(first: 5) {
      totalCount
      edges {
        node {
          id
          title
          signedAt
        }
      }
    }
  }
`);

const T = {
  zh: { myLeads: '本单位在办项目', pending: '待处理流转', unread: '未读消息', reminders: '提醒：签约未落地', title: '项目', investor: '投资方', stage: '阶段', none: '暂无', signedAt: '签约于', from: '来自' },
  en: { myLeads: "My unit's open leads", pending: 'Pending referrals', unread: 'Unread notifications', reminders: 'Reminders: signed, not landed', title: 'Lead', investor: 'Investor', stage: 'Stage', none: 'None', signedAt: 'signed', from: 'from' },
};

export default function WorkbenchPage() {
  const user = useUser();
  const { lang } = useI18n();
  const w = T[lang];
  const [{ data, error, fetching }] = useQuery({ query: WorkbenchDocument, variables: { unitId: user.unit.id, stages: [...OPEN_STAGES] } });
  const leads = data?.leads.edges.map((e) => e.node) ?? [];
  return (
    <>
      <Typography.Title level={2}>{lang === 'zh' ? '工作台' : 'Workbench'}</Typography.Title>
      <ApiErrorAlert error={error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={`${w.myLeads}（${data?.leads.totalCount ?? 0}）`} data-testid="workbench-leads">
            <Table
              rowKey="id"
              size="small"
              loading={fetching && !data}
              pagination={false}
              dataSource={leads}
              locale={{ emptyText: w.none }}
              columns={[
                { title: w.title, dataIndex: 'title', render: (_: unknown, l: (typeof leads)[number]) => <Link to={`/leads/${l.id}`}>{l.title}</Link> },
                { title: w.investor, render: (_: unknown, l: (typeof leads)[number]) => l.investor.name },
                { title: w.stage, dataIndex: 'stage', render: (s: string) => <Tag>{label(STAGE_LABELS, s, lang)}</Tag> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={`${w.pending}（${data?.referrals.totalCount ?? 0}）`} style={{ marginBottom: 16 }}>
            <List
              size="small"
              locale={{ emptyText: w.none }}
              dataSource={data?.referrals.edges.map((e) => e.node) ?? []}
              renderItem={(r) => (
                <List.Item>
                  {r.lead ? <Link to={`/leads/${r.lead.id}`}>{r.lead.title}</Link> : '—'}（{w.from} {r.fromUnit.name}）
                </List.Item>
              )}
            />
          </Card>
          <Card
            title={
              <span>
                {w.unread} <Badge count={data?.unreadNotificationCount ?? 0} showZero overflowCount={99} aria-label={`${w.unread}: ${data?.unreadNotificationCount ?? 0}`} />
              </span>
            }
            style={{ marginBottom: 16 }}
          >
            <List
              size="small"
              locale={{ emptyText: w.none }}
              dataSource={data?.notifications.edges.map((e) => e.node) ?? []}
              renderItem={(n) => <List.Item>{n.lead ? <Link to={`/leads/${n.lead.id}`}>{n.title}</Link> : n.title}</List.Item>}
            />
          </Card>
          <Card title={`${w.reminders}（${data?.signedNotLandedLeads.totalCount ?? 0}）`}>
            <List
              size="small"
              locale={{ emptyText: w.none }}
              dataSource={data?.signedNotLandedLeads.edges.map((e) => e.node) ?? []}
              renderItem={(l) => (
                <List.Item>
                  <Link to={`/leads/${l.id}`}>{l.title}</Link>
                  {l.signedAt && (
                    <Typography.Text type="secondary">
                      {' '}
                      {w.signedAt} {l.signedAt.slice(0, 10)}
                    </Typography.Text>
                  )}
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
