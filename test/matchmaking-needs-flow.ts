import type { TestApp } from './support/harness';

// Needs and offers at an event, shared by the PostgreSQL and PGlite suites (not a spec itself).
export const NEED_OFFER_FIELDS = `id kind status industryCode landAreaMu floorSpaceSqm description viewerCanWithdraw
  unit { code } answeredByUnit { code } lead { id } event { id }
  referral { id status note fromUnit { code } toUnit { code } lead { id } }`;

export function needsFlow(t: TestApp) {
  const gql = t.gql.bind(t);
  return {
    post(token: string, input: Record<string, unknown>) {
      return gql(
        `mutation($input: PostEventNeedOfferInput!) { postEventNeedOffer(input: $input) { ${NEED_OFFER_FIELDS} } }`,
        { input: { industryCode: 'NEV', description: '需要一个新能源汽车零部件项目', ...input } },
        { token },
      );
    },
    answer(token: string, needOfferId: string, args: { leadId?: string; toUnitId?: string; message?: string } = {}) {
      return gql(
        `mutation($id: ID!, $l: ID, $to: ID, $m: String!) {
           answerEventOffer(needOfferId: $id, leadId: $l, toUnitId: $to, message: $m) { ${NEED_OFFER_FIELDS} } }`,
        { id: needOfferId, l: args.leadId ?? null, to: args.toUnitId ?? null, m: args.message ?? '我们有合适的地块，愿意承接' },
        { token },
      );
    },
    withdraw(token: string, id: string) {
      return gql(`mutation($id: ID!) { withdrawEventNeedOffer(id: $id) { ${NEED_OFFER_FIELDS} } }`, { id }, { token });
    },
    list(token: string, eventId: string) {
      return gql(`query($e: ID!) { eventNeedsOffers(eventId: $e) { ${NEED_OFFER_FIELDS} } }`, { e: eventId }, { token });
    },
    respond(token: string, referralId: string, accept: boolean, note?: string) {
      return gql(
        `mutation($id: ID!, $a: Boolean!, $n: String) { respondToReferral(referralId: $id, accept: $a, note: $n) { id status toUnit { code } } }`,
        { id: referralId, a: accept, n: note ?? null },
        { token },
      );
    },
  };
}
