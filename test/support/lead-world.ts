import type { TestApp } from './harness';
import type { Actor } from './actors';
import { ok, outcomeOf } from './gql';
import { withDb } from './pg';
import type { OrgTree } from './org-tree';
import { makeUscc } from './uscc';
import { Oracle, type ConflictState, type LeadState, type ReferralState, type Scope } from './visibility-oracle';

export const INDUSTRIES = ['NEV', 'IC', 'BIOMEDICINE', 'NEW_MATERIALS', 'FOOD', 'SOFTWARE', 'AEROSPACE', 'PHOTONICS'];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A valid CreateLeadInput for test lead number `n`, with sensitive values that are easy to search for. */
export function leadInput(n: number, overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    title: `矩阵项目 ${n}`,
    summary: `公开摘要 ${n}`,
    industryCode: INDUSTRIES[n % INDUSTRIES.length],
    capitalSourceCode: 'PRIVATE',
    attractionModeCodes: ['INDUSTRY_CHAIN'],
    investor: { name: `矩阵投资${n}号`, uscc: makeUscc(n), countryOrRegion: '中国' },
    investmentAmount: `${1000 + n}.50`,
    expectedJobs: 10 + n,
    expectedLandingDate: '2027-06-30',
    contacts: [{ name: `秘密联系人${n}号`, title: '总经理', phone: `1390000${pad(n, 4)}`, email: `secret${n}@invest.example` }],
    ...overrides,
  };
}

export const LEAD_CORE = `id code version stage sharingScope createdAt signedAt landedAt ownerUnit { code } assignedUnits { code }`;

function toState(node: any, label: string, secrets: string[]): LeadState {
  return {
    id: node.id,
    code: node.code,
    label,
    owner: node.ownerUnit.code,
    scope: node.sharingScope,
    assigned: new Set((node.assignedUnits as { code: string }[]).map((u) => u.code)),
    pending: new Set(),
    uscc: null,
    secrets,
    stage: node.stage,
    version: node.version,
    investmentAmount: null,
    expectedJobs: null,
    createdAt: new Date(node.createdAt),
    signedAt: node.signedAt ? new Date(node.signedAt) : null,
    landedAt: node.landedAt ? new Date(node.landedAt) : null,
  };
}

/**
 * Test-side record of every lead, referral and conflict the test created, updated from the API's
 * answers, so expectations follow the world as mutations change it.
 */
export class LeadWorld {
  readonly leads = new Map<string, LeadState>();
  readonly conflicts: ConflictState[] = [];
  readonly referrals: ReferralState[] = [];
  readonly oracle: Oracle;

  constructor(
    readonly t: TestApp,
    readonly tree: OrgTree,
  ) {
    this.oracle = new Oracle(tree);
  }

  lead(id: string): LeadState {
    const l = this.leads.get(id);
    if (!l) throw new Error(`unknown lead ${id}`);
    return l;
  }

  async create(by: Actor, n: number, scope: Scope, label: string, overrides: Record<string, unknown> = {}): Promise<LeadState> {
    const input = leadInput(n, { sharingScope: scope, ...overrides });
    const res = await this.t.gql(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { ${LEAD_CORE} investmentAmount expectedJobs
         investor { uscc } conflicts { id match status coordinatingUnit { code } otherLead { id } } } }`,
      { input },
      by.auth,
    );
    const node = ok(res, `createLead ${label}`).createLead;
    const secrets: string[] = [];
    if (input.investor?.uscc) secrets.push(input.investor.uscc);
    for (const c of (input.contacts ?? []) as Record<string, string>[]) secrets.push(c.name, c.phone, c.email);
    const state = toState(node, label, secrets.filter(Boolean));
    state.uscc = input.investor?.uscc ?? null;
    state.investmentAmount = node.investmentAmount;
    state.expectedJobs = node.expectedJobs;
    this.leads.set(state.id, state);
    const mine = { uscc: state.uscc, name: input.investor?.name as string };
    this.investorKeys.set(state.id, mine);
    const notices = node.conflicts as { id: string; status: string; coordinatingUnit: { code: string } }[];
    const others = [...this.leads.values()].filter((l) => l.id !== state.id && this.sameInvestor(l.id, mine));
    // The conflicts as recorded (the creator may not be told of all of them: docs/leads-api.md "Conflicts").
    const recorded: { id: string; a: string; b: string; coordinator: string }[] = await withDb(this.t, async (c) =>
      (
        await c.query(
          // Conflicts are cases with member leads; the worlds of these tests only make two-member cases.
          `SELECT c.id, min(o.lead_id::text) AS a, $1::uuid::text AS b, cu.code AS coordinator FROM lead_conflict c
             JOIN org_unit cu ON cu.id = c.coordinating_unit_id
             JOIN lead_conflict_member m ON m.conflict_id = c.id AND m.lead_id = $1::uuid
             JOIN lead_conflict_member o ON o.conflict_id = c.id AND o.lead_id <> $1
            GROUP BY c.id, cu.code`,
          [state.id],
        )
      ).rows,
    );
    if (recorded.length !== others.length) {
      throw new Error(`${label}: ${recorded.length} conflicts recorded, the test expects ${others.length}`);
    }
    for (const r of recorded) {
      this.conflicts.push({ id: r.id, leads: [r.a === state.id ? r.b : r.a, state.id], coordinator: r.coordinator, status: 'OPEN' });
    }
    const told = recorded.filter((r) => this.oracle.knowsConflictOn(by, this.conflicts.find((c) => c.id === r.id)!, state, this.leads));
    if (JSON.stringify(notices.map((n) => n.id).sort()) !== JSON.stringify(told.map((r) => r.id).sort())) {
      throw new Error(`${label}: creator told of conflicts ${notices.map((n) => n.id)}, expected ${told.map((r) => r.id)}`);
    }
    return state;
  }

  private readonly investorKeys = new Map<string, { uscc: string | null; name: string }>();

  private sameInvestor(otherId: string, mine: { uscc: string | null; name: string }): boolean {
    const k = this.investorKeys.get(otherId);
    if (!k) return false;
    return (k.uscc !== null && k.uscc === mine.uscc) || this.investorKey(k.name) === this.investorKey(mine.name);
  }

  /** Deliberately simple: the tests only use names that differ by a legal-form suffix or "(中国)". */
  private investorKey(name: string): string {
    return name.replace(/[(（](中国)[)）]/g, '').replace(/(股份有限公司|有限公司|集团)$/g, '');
  }

  /**
   * Re-reads version, stage and funnel dates from the database (mutations such as referrals and
   * activities may bump the version without returning the lead).
   */
  async sync(id: string): Promise<LeadState> {
    const l = this.lead(id);
    const row = await withDb(this.t, async (c) => (await c.query(`SELECT version, stage, signed_at, landed_at FROM lead WHERE id = $1`, [id])).rows[0]);
    l.version = row.version;
    l.stage = row.stage;
    l.signedAt = row.signed_at;
    l.landedAt = row.landed_at;
    return l;
  }

  async refresh(id: string, reader: Actor): Promise<LeadState> {
    const res = await this.t.gql(`query($id: ID!) { lead(id: $id) { ${LEAD_CORE} } }`, { id }, reader.auth);
    const node = ok(res, 'refresh').lead;
    if (!node) throw new Error(`refresh: ${reader.name} cannot see ${id}`);
    const l = this.lead(id);
    l.version = node.version;
    l.stage = node.stage;
    l.scope = node.sharingScope;
    l.assigned = new Set((node.assignedUnits as { code: string }[]).map((u) => u.code));
    l.signedAt = node.signedAt ? new Date(node.signedAt) : null;
    l.landedAt = node.landedAt ? new Date(node.landedAt) : null;
    return l;
  }

  async addActivity(by: Actor, l: LeadState, summary: string, secret = true): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $input: LeadActivityInput!) { addLeadActivity(leadId: $id, input: $input) { id } }`,
      { id: l.id, input: { kind: 'VISIT', occurredAt: new Date().toISOString(), summary, participants: ['甲'] } },
      by.auth,
    );
    ok(res, `addLeadActivity ${l.label}`);
    if (secret) l.secrets.push(summary);
    await this.sync(l.id);
  }

  async update(by: Actor, l: LeadState, input: Record<string, unknown>, extraSecrets: string[] = []): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $v: Int!, $input: UpdateLeadInput!) { updateLead(id: $id, version: $v, input: $input) { ${LEAD_CORE} } }`,
      { id: l.id, v: l.version, input },
      by.auth,
    );
    const node = ok(res, `updateLead ${l.label}`).updateLead;
    l.version = node.version;
    l.secrets.push(...extraSecrets);
  }

  async stage(by: Actor, l: LeadState, stage: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $v: Int!, $s: LeadStage!, $landing: ID, $lost: String) {
         changeLeadStage(id: $id, version: $v, stage: $s, landingUnitId: $landing, lostReasonCode: $lost) { ${LEAD_CORE} } }`,
      { id: l.id, v: l.version, s: stage, ...extra },
      by.auth,
    );
    const node = ok(res, `changeLeadStage ${l.label} → ${stage}`).changeLeadStage;
    l.version = node.version;
    l.stage = node.stage;
    l.signedAt = node.signedAt ? new Date(node.signedAt) : null;
    l.landedAt = node.landedAt ? new Date(node.landedAt) : null;
  }

  async share(by: Actor, l: LeadState, scope: Scope): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $v: Int!, $s: SharingScope!) { shareLead(id: $id, version: $v, scope: $s) { ${LEAD_CORE} } }`,
      { id: l.id, v: l.version, s: scope },
      by.auth,
    );
    const node = ok(res, `shareLead ${l.label} → ${scope}`).shareLead;
    l.version = node.version;
    l.scope = node.sharingScope;
  }

  async assign(by: Actor, l: LeadState, unit: string): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $u: ID!) { assignLead(id: $id, unitId: $u) { ${LEAD_CORE} } }`,
      { id: l.id, u: this.tree.id(unit) },
      by.auth,
    );
    const node = ok(res, `assignLead ${l.label} → ${unit}`).assignLead;
    l.version = node.version;
    l.assigned = new Set((node.assignedUnits as { code: string }[]).map((u) => u.code));
  }

  async refer(by: Actor, l: LeadState, to: string, note = '转介绍'): Promise<ReferralState> {
    const res = await this.t.gql(
      `mutation($id: ID!, $to: ID!, $note: String) { referLead(id: $id, toUnitId: $to, note: $note) { id status fromUnit { code } toUnit { code } } }`,
      { id: l.id, to: this.tree.id(to), note },
      by.auth,
    );
    const r = ok(res, `referLead ${l.label} → ${to}`).referLead;
    const state: ReferralState = { id: r.id, leadId: l.id, from: r.fromUnit.code, to: r.toUnit.code, status: 'PENDING' };
    this.referrals.push(state);
    l.pending.add(to);
    await this.sync(l.id);
    return state;
  }

  async respond(by: Actor, r: ReferralState, accept: boolean, note = '答复'): Promise<void> {
    const res = await this.t.gql(
      `mutation($id: ID!, $a: Boolean!, $note: String) { respondToReferral(referralId: $id, accept: $a, note: $note) { id status } }`,
      { id: r.id, a: accept, note },
      by.auth,
    );
    ok(res, `respondToReferral ${r.id}`);
    this.applyResponse(r, accept);
    await this.sync(r.leadId);
  }

  applyResponse(r: ReferralState, accept: boolean): void {
    r.status = accept ? 'ACCEPTED' : 'DECLINED';
    const l = this.lead(r.leadId);
    if (!this.referrals.some((o) => o !== r && o.leadId === r.leadId && o.to === r.to && o.status === 'PENDING')) {
      l.pending.delete(r.to);
    }
    if (accept) l.assigned.add(r.to);
  }

  /** Outcome code of a request that may fail ('OK' or the extensions.code). */
  static outcome = outcomeOf;
}
