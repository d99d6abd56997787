import type { TestApp } from './support/harness';

// Shared by the PostgreSQL and PGlite matchmaking suites (not a spec itself).
export const EVENT_FIELDS = `id name status version kind externalParties hostUnit { code } participatingUnits { code }
  viewerCanManage summary { leadsPresented signedAtEvent signedInvestment }`;

export function flow(t: TestApp) {
  const gql = t.gql.bind(t);
  return {
    async createLead(token: string, title: string, extra: Record<string, unknown> = {}) {
      const res = await gql(
        `mutation($input: CreateLeadInput!) { createLead(input: $input) { id version } }`,
        { input: { title, industryCode: 'NEV', investor: { name: `${title}有限公司` }, ...extra } },
        { token },
      );
      if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
      return res.body.data!.createLead as { id: string; version: number };
    },
    async stage(token: string, id: string, version: number, stage: string) {
      return gql(
        `mutation($id: ID!, $v: Int!, $s: LeadStage!) { changeLeadStage(id: $id, version: $v, stage: $s) { id version stage } }`,
        { id, v: version, s: stage },
        { token },
      );
    },
    createEvent(token: string, input: Record<string, unknown>) {
      return gql(
        `mutation($input: CreateMatchmakingEventInput!) { createMatchmakingEvent(input: $input) { ${EVENT_FIELDS} } }`,
        {
          input: {
            name: '2026 苏陕合作项目对接会',
            startsAt: '2026-01-05T01:00:00Z',
            endsAt: '2026-01-06T09:00:00Z',
            kind: 'WITH_OUTSIDE_PARKS',
            ...input,
          },
        },
        { token },
      );
    },
    updateEvent(token: string, id: string, version: number, input: Record<string, unknown>) {
      return gql(
        `mutation($id: ID!, $v: Int!, $input: UpdateMatchmakingEventInput!) { updateMatchmakingEvent(id: $id, version: $v, input: $input) { ${EVENT_FIELDS} } }`,
        { id, v: version, input },
        { token },
      );
    },
    addLead(token: string, eventId: string, leadId: string) {
      return gql(
        `mutation($e: ID!, $l: ID!) { addLeadToEvent(eventId: $e, leadId: $l) { ${EVENT_FIELDS} } }`,
        { e: eventId, l: leadId },
        { token },
      );
    },
    removeLead(token: string, eventId: string, leadId: string) {
      return gql(
        `mutation($e: ID!, $l: ID!) { removeLeadFromEvent(eventId: $e, leadId: $l) { ${EVENT_FIELDS} } }`,
        { e: eventId, l: leadId },
        { token },
      );
    },
    sign(token: string, eventId: string, leadId: string, version: number, investmentAmount?: string, signedAt?: string) {
      return gql(
        `mutation($e: ID!, $l: ID!, $v: Int!, $a: Decimal, $at: DateTime) {
           recordEventSigning(eventId: $e, leadId: $l, version: $v, investmentAmount: $a, signedAt: $at) {
             id version stage signedAt investmentAmount signedAtEvent { id name }
           }
         }`,
        { e: eventId, l: leadId, v: version, a: investmentAmount ?? null, at: signedAt ?? null },
        { token },
      );
    },
    event(token: string, id: string) {
      return gql(
        `query($id: ID!) { matchmakingEvent(id: $id) { ${EVENT_FIELDS} leads(first: 50) { totalCount edges { node { id code } } } } }`,
        { id },
        { token },
      );
    },
  };
}
