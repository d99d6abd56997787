// 项目详情: the fields the api lets the caller see, stage, history, activities, contacts (null when hidden),
// the conflict banner naming the coordinating unit, follow, and share/stage/refer only when viewerCanEdit.
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Descriptions, Input, List, Select, Space, Steps, Table, Tag, Timeline, Typography } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { LeadStage, SharingScope } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { SCOPE_LABELS, STAGE_LABELS, label } from '../../components/labels';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { apiProblem } from '../../data/errors';

const LeadDocument = graphql(`
  query LeadDetail($id: ID!) {
    lead(id: $id) {
      id
      code
      title
      summary
      description
      stage
      sharingScope
      version
      viewerCanEdit
      followedByMe
      investmentAmount
      expectedJobs
      expectedLandingDate
      signedAt
      landedAt
      createdAt
      updatedAt
      industry {
        code
        nameZh
        nameEn
      }
      investor {
        name
        uscc
        countryOrRegion
      }
      ownerUnit {
        id
        name
      }
      conflicts {
        id
        status
        coordinatingUnit {
          name
        }
      }
      contacts {
        name
        title
        phone
        email
      }
      activities(first: 20) {
        totalCount
        edges {
          node {
            id
            kind
            occurredAt
            summary
          }
        }
      }
      history {
        id
        action
        at
        note
        actor {
          displayName
        }
        actorUnit {
          name
        }
      }
    }
  }
`);

const FollowDocument = graphql(`
  mutation FollowLead($id: ID!) {
    followLead(id: $id) {
      id
      followedByMe
    }
  }
`);
const UnfollowDocument = graphql(`
  mutation UnfollowLead($id: ID!) {
    unfollowLead(id: $id) {
      id
      followedByMe
    }
  }
`);
const ShareDocument = graphql(`
  mutation ShareLead($id: ID!, $scope: SharingScope!, $version: Int!) {
    shareLead(id: $id, scope: $scope, version: $version) {
      id
      sharingScope
      version
    }
  }
`);
const StageDocument = graphql(`
  mutation ChangeLeadStage($id: ID!, $stage: LeadStage!, $version: Int!) {
    changeLeadStage(id: $id, stage: $stage, version: $version) {
      id
      stage
      version
    }
  }
`);
const ReferDocument = graphql(`
  mutation ReferLead($id: ID!, $toUnitCode: String!) {
    referLead(id: $id, toUnitCode: $toUnitCode) {
      id
    }
  }
`);

const MAIN_STAGES: LeadStage[] = ['LEAD', 'NEGOTIATING', 'SIGNED', 'LANDED', 'OPERATING'];

const T = {
  zh: { notFound: '项目不存在或您无权查看', edit: '编辑', follow: '关注', unfollow: '取消关注', share: '共享', shareTo: '共享范围', stage: '阶段', changeStage: '变更阶段', refer: '流转', referTo: '接收单位代码', conflict: '投资方冲突：本项目与其他单位的项目涉及同一投资方，由 {unit} 协调', fields: '基本信息', history: '变更记录', activities: '跟进活动', contacts: '联系人', investor: '投资方', uscc: '统一社会信用代码', owner: '所属单位', scope: '共享范围', industry: '产业', amount: '投资额（万元）', jobs: '预计就业', landing: '预计落地', summary: '摘要', hidden: '（无权查看）', none: '暂无', done: '已保存', name: '姓名', phone: '电话', ok: '确定' },
  en: { notFound: 'Lead not found or not visible to you', edit: 'Edit', follow: 'Follow', unfollow: 'Unfollow', share: 'Share', shareTo: 'Sharing', stage: 'Stage', changeStage: 'Change stage', refer: 'Refer', referTo: 'Receiving unit code', conflict: 'Investor conflict: other units have leads with this investor; coordinated by {unit}', fields: 'Details', history: 'History', activities: 'Activities', contacts: 'Contacts', investor: 'Investor', uscc: 'USCC', owner: 'Owner unit', scope: 'Sharing', industry: 'Industry', amount: 'Investment (10k CNY)', jobs: 'Expected jobs', landing: 'Expected landing', summary: 'Summary', hidden: '(not visible to you)', none: 'None', done: 'Saved', name: 'Name', phone: 'Phone', ok: 'OK' },
};

export default function LeadDetailPage() {
  const { id = '' } = useParams();
  const { lang } = useI18n();
  const w = T[lang];
  const { message } = AntApp.useApp();
  const [{ data, error, fetching }, refetch] = useQuery({ query: LeadDocument, variables: { id } });
  const [, follow] = useMutation(FollowDocument);
  const [, unfollow] = useMutation(UnfollowDocument);
  const [, share] = useMutation(ShareDocument);
  const [, stage] = useMutation(StageDocument);
  const [, refer] = useMutation(ReferDocument);
  const [actionError, setActionError] = useState<CombinedError | undefined>();
  const [scope, setScope] = useState<SharingScope | undefined>();
  const [nextStage, setNextStage] = useState<LeadStage | undefined>();
  const [referTo, setReferTo] = useState('');

  const done = async (p: Promise<{ error?: CombinedError }>) => {
    const r = await p;
    setActionError(r.error);
    if (!r.error) {
      void message.success(w.done);
      refetch({ requestPolicy: 'network-only' });
    }
  };

  if (error) return <ApiErrorAlert error={error} />;
  if (fetching && !data) return null;
  const lead = data?.lead;
  if (!lead) return <Alert type="warning" showIcon role="alert" message={w.notFound} />;
  const openConflicts = lead.conflicts.filter((c) => c.status !== 'RESOLVED');

  return (
    <>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {lead.title} <Tag>{label(STAGE_LABELS, lead.stage, lang)}</Tag>
        </Typography.Title>
        <Space wrap>
          <Button onClick={() => void done(lead.followedByMe ? unfollow({ id }) : follow({ id }))} aria-pressed={lead.followedByMe}>
            {lead.followedByMe ? w.unfollow : w.follow}
          </Button>
          {lead.viewerCanEdit && (
            <Link to={`/leads/${id}/edit`}>
              <Button type="primary">{w.edit}</Button>
            </Link>
          )}
        </Space>
      </Space>
      <Typography.Text type="secondary">{lead.code}</Typography.Text>
      {openConflicts.map((c) => (
        <Alert key={c.id} type="warning" showIcon role="status" data-testid="conflict-banner" style={{ margin: '12px 0' }} message={w.conflict.replace('{unit}', c.coordinatingUnit.name)} />
      ))}
      {actionError && (
        <Alert type="error" showIcon role="alert" data-testid="api-error" style={{ margin: '12px 0' }} message={apiProblem(actionError).message} closable onClose={() => setActionError(undefined)} />
      )}
      <Steps
        style={{ margin: '16px 0' }}
        size="small"
        current={MAIN_STAGES.indexOf(lead.stage)}
        status={lead.stage === 'LOST' ? 'error' : lead.stage === 'ON_HOLD' ? 'wait' : 'process'}
        items={MAIN_STAGES.map((s) => ({ title: label(STAGE_LABELS, s, lang) }))}
      />
      {lead.viewerCanEdit && (
        <Card size="small" style={{ marginBottom: 16 }} data-testid="lead-actions">
          <Space wrap>
            <Select<SharingScope> aria-label={w.shareTo} style={{ width: 160 }} placeholder={w.shareTo} value={scope} onChange={setScope} options={(['PRIVATE', 'DISTRICT', 'CITY', 'PUBLIC'] as const).map((s) => ({ value: s, label: label(SCOPE_LABELS, s, lang) }))} />
            <Button disabled={!scope} onClick={() => scope && void done(share({ id, scope, version: lead.version }))}>
              {w.share}
            </Button>
            <Select<LeadStage> aria-label={w.changeStage} style={{ width: 140 }} placeholder={w.changeStage} value={nextStage} onChange={setNextStage} options={(['LEAD', 'NEGOTIATING', 'SIGNED', 'ON_HOLD'] as const).map((s) => ({ value: s, label: label(STAGE_LABELS, s, lang) }))} />
            <Button disabled={!nextStage} onClick={() => nextStage && void done(stage({ id, stage: nextStage, version: lead.version }))}>
              {w.changeStage}
            </Button>
            <Input aria-label={w.referTo} placeholder={w.referTo} style={{ width: 160 }} value={referTo} onChange={(e) => setReferTo(e.target.value)} />
            <Button disabled={!referTo.trim()} onClick={() => void done(refer({ id, toUnitCode: referTo.trim() }))}>
              {w.refer}
            </Button>
          </Space>
        </Card>
      )}
      <Card title={w.fields} size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={w.investor}>{lead.investor.name}</Descriptions.Item>
          <Descriptions.Item label={w.uscc}>{lead.investor.uscc ?? w.hidden}</Descriptions.Item>
          <Descriptions.Item label={w.owner}>{lead.ownerUnit.name}</Descriptions.Item>
          <Descriptions.Item label={w.scope}>{label(SCOPE_LABELS, lead.sharingScope, lang)}</Descriptions.Item>
          <Descriptions.Item label={w.industry}>{lang === 'zh' ? lead.industry.nameZh : lead.industry.nameEn}</Descriptions.Item>
          <Descriptions.Item label={w.amount}>{lead.investmentAmount ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={w.jobs}>{lead.expectedJobs ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={w.landing}>{lead.expectedLandingDate ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={w.summary} span={2}>
            {lead.summary ?? '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={w.contacts} size="small" style={{ marginBottom: 16 }}>
        {lead.contacts === null ? (
          <Typography.Text type="secondary">{w.hidden}</Typography.Text>
        ) : (
          <Table size="small" rowKey={(c) => `${c.name}${c.phone ?? ''}`} pagination={false} dataSource={lead.contacts} locale={{ emptyText: w.none }} columns={[{ title: w.name, dataIndex: 'name' }, { title: w.phone, dataIndex: 'phone' }]} />
        )}
      </Card>
      <Card title={w.activities} size="small" style={{ marginBottom: 16 }}>
        {lead.activities === null ? (
          <Typography.Text type="secondary">{w.hidden}</Typography.Text>
        ) : (
          <List size="small" locale={{ emptyText: w.none }} dataSource={lead.activities.edges.map((e) => e.node)} renderItem={(a) => <List.Item>{a.occurredAt.slice(0, 10)} {a.summary}</List.Item>} />
        )}
      </Card>
      <Card title={w.history} size="small" data-testid="lead-history">
        <Timeline
          items={lead.history.map((h) => ({
            key: h.id,
            children: `${h.at.slice(0, 16).replace('T', ' ')} ${h.action} ${h.actor?.displayName ?? h.actorUnit?.name ?? ''}${h.note ? `：${h.note}` : ''}`,
          }))}
        />
      </Card>
    </>
  );
}
