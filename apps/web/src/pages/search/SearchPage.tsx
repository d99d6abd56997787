// 项目检索: query box with the api's suggestions, facet sidebar with counts, result table with highlights,
// paging. Query, facet filters and page live in the URL so a search can be bookmarked and shared.
import { useMemo, useState } from 'react';
import { AutoComplete, Card, Checkbox, Col, Input, Row, Table, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { LeadFacet, LeadFilter, LeadStage, SharingScope } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { SCOPE_LABELS, STAGE_LABELS, label } from '../../components/labels';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

const SearchDocument = graphql(`
  query SearchLeads($query: String!, $filter: LeadFilter, $first: Int!, $offset: Int!, $facets: [LeadFacet!]) {
    searchLeads(query: $query, filter: $filter, first: $first, offset: $offset, facets: $facets) {
      totalHits
      facets {
        facet
        values {
          value
          label
          count
        }
      }
      hits {
        score
        highlights {
          field
          snippet
        }
        lead {
          id
          code
          title
          stage
          sharingScope
          investor {
            name
          }
          ownerUnit {
            name
          }
        }
      }
    }
  }
`);

const SuggestDocument = graphql(`
  query SearchSuggest($prefix: String!) {
    searchSuggest(prefix: $prefix, first: 10)
  }
`);

const PAGE_SIZE = 20;
// Facet → URL parameter and the filter field it sets.
const FACETS: { facet: LeadFacet; param: string }[] = [
  { facet: 'STAGE', param: 'stage' },
  { facet: 'INDUSTRY', param: 'industry' },
  { facet: 'SHARING_SCOPE', param: 'scope' },
  { facet: 'OWNER_UNIT', param: 'owner' },
];

const T = {
  zh: { title: '项目检索', placeholder: '输入项目名称、投资方或关键词', hits: '共 {n} 条', lead: '项目', investor: '投资方', stage: '阶段', owner: '所属单位', scope: '共享范围', none: '没有符合条件的项目', STAGE: '阶段', INDUSTRY: '产业', SHARING_SCOPE: '共享范围', OWNER_UNIT: '所属单位', filters: '筛选' },
  en: { title: 'Search leads', placeholder: 'Lead title, investor or keywords', hits: '{n} results', lead: 'Lead', investor: 'Investor', stage: 'Stage', owner: 'Owner unit', scope: 'Sharing', none: 'No matching leads', STAGE: 'Stage', INDUSTRY: 'Industry', SHARING_SCOPE: 'Sharing', OWNER_UNIT: 'Owner unit', filters: 'Filters' },
};

/** The api escapes the snippet and wraps matches in <mark>; only those tags are let through. */
function Snippet({ html }: { html: string }) {
  const parts = html.split(/(<mark>.*?<\/mark>)/g);
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return (
    <>
      {parts.map((p, i) => {
        const m = /^<mark>(.*)<\/mark>$/.exec(p);
        return m ? <mark key={i}>{unescape(m[1] ?? '')}</mark> : <span key={i}>{unescape(p)}</span>;
      })}
    </>
  );
}

export default function SearchPage() {
  const { lang } = useI18n();
  const w = T[lang];
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [text, setText] = useState(q);
  const selected = (param: string) => params.getAll(param);

  const filter = useMemo<LeadFilter>(() => {
    const f: LeadFilter = {};
    const stages = params.getAll('stage');
    const industries = params.getAll('industry');
    const scopes = params.getAll('scope');
    const owners = params.getAll('owner');
    if (stages.length) f.stages = stages as LeadStage[];
    if (industries.length) f.industryCodes = industries;
    if (scopes.length) f.sharingScopes = scopes as SharingScope[];
    if (owners.length) f.ownerUnitIds = owners;
    return f;
  }, [params]);

  const [{ data, error, fetching }] = useQuery({
    query: SearchDocument,
    variables: { query: q, filter, first: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, facets: FACETS.map((f) => f.facet) },
  });
  const [suggest] = useQuery({ query: SuggestDocument, variables: { prefix: text.trim() }, pause: text.trim().length === 0 });

  const update = (change: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    next.delete('page');
    setParams(next);
  };
  const submit = (value: string) => update((p) => (value.trim() ? p.set('q', value.trim()) : p.delete('q')));
  const toggle = (param: string, values: string[]) =>
    update((p) => {
      p.delete(param);
      for (const v of values) p.append(param, v);
    });

  const hits = data?.searchLeads.hits ?? [];
  type Hit = (typeof hits)[number];
  const facetLabel = (facet: LeadFacet, value: string, apiLabel: string) =>
    facet === 'STAGE' ? label(STAGE_LABELS, value, lang) : facet === 'SHARING_SCOPE' ? label(SCOPE_LABELS, value, lang) : apiLabel;

  return (
    <>
      <Typography.Title level={2}>{w.title}</Typography.Title>
      <AutoComplete
        style={{ width: '100%', maxWidth: 640, marginBottom: 16 }}
        value={text}
        // Enter searches what was typed; a suggestion is taken only when picked.
        defaultActiveFirstOption={false}
        options={(suggest.data?.searchSuggest ?? []).map((s) => ({ value: s }))}
        onChange={setText}
        onSelect={(v: string) => submit(v)}
      >
        <Input.Search aria-label={w.title} placeholder={w.placeholder} enterButton onSearch={submit} allowClear />
      </AutoComplete>
      <ApiErrorAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Card size="small" title={w.filters} data-testid="search-facets">
            {(data?.searchLeads.facets ?? []).map((f) => {
              const param = FACETS.find((x) => x.facet === f.facet)?.param;
              if (!param || f.values.length === 0) return null;
              return (
                <fieldset key={f.facet} style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
                  <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 4 }}>{w[f.facet as keyof typeof w]}</legend>
                  <Checkbox.Group
                    style={{ display: 'flex', flexDirection: 'column' }}
                    value={selected(param)}
                    onChange={(vals) => toggle(param, vals as string[])}
                    options={f.values.map((v) => ({ value: v.value, label: `${facetLabel(f.facet, v.value, v.label)}（${v.count}）` }))}
                  />
                </fieldset>
              );
            })}
          </Card>
        </Col>
        <Col xs={24} md={18}>
          <Table<Hit>
            data-testid="search-results"
            rowKey={(h) => h.lead.id}
            size="small"
            loading={fetching && !data}
            dataSource={hits}
            locale={{ emptyText: w.none }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: Math.min(data?.searchLeads.totalHits ?? 0, 1000),
              showSizeChanger: false,
              showTotal: () => w.hits.replace('{n}', String(data?.searchLeads.totalHits ?? 0)),
              onChange: (p) => {
                const next = new URLSearchParams(params);
                next.set('page', String(p));
                setParams(next);
              },
            }}
            columns={[
              {
                title: w.lead,
                render: (_: unknown, h) => {
                  const t = h.highlights.find((x) => x.field === 'TITLE');
                  const other = h.highlights.filter((x) => x.field !== 'TITLE' && x.field !== 'INVESTOR_NAME');
                  return (
                    <>
                      <Link to={`/leads/${h.lead.id}`}>{t ? <Snippet html={t.snippet} /> : h.lead.title}</Link>
                      <Typography.Text type="secondary"> {h.lead.code}</Typography.Text>
                      {other.slice(0, 1).map((x) => (
                        <div key={x.field} style={{ fontSize: 12 }}>
                          <Snippet html={x.snippet} />
                        </div>
                      ))}
                    </>
                  );
                },
              },
              {
                title: w.investor,
                render: (_: unknown, h) => {
                  const inv = h.highlights.find((x) => x.field === 'INVESTOR_NAME');
                  return inv ? <Snippet html={inv.snippet} /> : h.lead.investor.name;
                },
              },
              { title: w.owner, render: (_: unknown, h) => h.lead.ownerUnit.name },
              { title: w.stage, render: (_: unknown, h) => <Tag>{label(STAGE_LABELS, h.lead.stage, lang)}</Tag> },
              { title: w.scope, render: (_: unknown, h) => label(SCOPE_LABELS, h.lead.sharingScope, lang) },
            ]}
          />
        </Col>
      </Row>
    </>
  );
}
