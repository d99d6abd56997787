/**
 * Visibility matrix (docs/leads-api.md "Who sees what"): every read path and every write path, for
 * users at each tier × sharing scope × relation to the lead, plus API clients, compared with the
 * test's own oracle (test/support/visibility-oracle.ts).
 */
import { randomUUID } from 'node:crypto';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { createActors, type Actor, type RoleName } from './support/actors';
import { ok, outcomeOf, pMap } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import {
  checkConflictsQuery,
  checkFilter,
  checkLeadByIdAndCode,
  checkLeadsList,
  checkReferrals,
  checkStats,
  checkUsccFilter,
  forEachViewer,
  listLeads,
} from './support/read-matrix';
import { makeUscc } from './support/uscc';
import { SCOPE_RANK, SCOPES, type LeadState, type Scope, type WriteOutcome } from './support/visibility-oracle';

const C = '610100';
const D = '610115';
const Z1 = '610115-Z1';
const Z2 = '610115-Z2';
const OD = '610117';
const OZ = '610117-Z1';
const OZ2 = '610117-Z2';
const GX = '610100-GX';

jest.setTimeout(120_000);

describe('leads visibility: every read path', () => {
  let t: TestApp;
  let world: LeadWorld;
  let a: Map<string, Actor>;
  let viewers: Actor[];
  const A = (name: string) => a.get(name)!;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    const tree = await OrgTree.load(t);
    world = new LeadWorld(t, tree);
    a = await createActors(
      t,
      [
        { name: 'city-o', unit: C, role: 'OFFICER' },
        { name: 'city-m', unit: C, role: 'MANAGER' },
        { name: 'dist-o', unit: D, role: 'OFFICER' },
        { name: 'dist-v', unit: D, role: 'VIEWER' },
        { name: 'z1-o', unit: Z1, role: 'OFFICER' },
        { name: 'z2-o', unit: Z2, role: 'OFFICER' },
        { name: 'od-o', unit: OD, role: 'OFFICER' },
        { name: 'oz-o', unit: OZ, role: 'OFFICER' },
        { name: 'oz2-o', unit: OZ2, role: 'OFFICER' },
        { name: 'gx-o', unit: GX, role: 'OFFICER' },
      ],
      [
        { name: 'api-read-z1', unit: Z1, scopes: ['leads:read'] },
        { name: 'api-rw-z1', unit: Z1, scopes: ['leads:read', 'leads:write'] },
        { name: 'api-none-z1', unit: Z1, scopes: [] },
        { name: 'api-rw-d', unit: D, scopes: ['leads:read', 'leads:write'] },
      ],
    );
    viewers = [...a.values()].filter((v) => v.name !== 'city-m');

    // 9 setups × 4 scopes. Relations come from the setup: owner chain, assigned (assignLead or an
    // accepted referral), pending referral receiver, declined receiver, and everyone else.
    let n = 1;
    const setups: [string, (s: Scope) => Promise<LeadState>][] = [
      ['Z1', (s) => world.create(A('z1-o'), n++, s, `Z1/${s}`)],
      ['D', (s) => world.create(A('dist-o'), n++, s, `D/${s}`)],
      ['C', (s) => world.create(A('city-o'), n++, s, `C/${s}`)],
      ['GX', (s) => world.create(A('gx-o'), n++, s, `GX/${s}`)],
      ['OZ', (s) => world.create(A('oz-o'), n++, s, `OZ/${s}`)],
      [
        'Z1→assigned OZ',
        async (s) => {
          const l = await world.create(A('z1-o'), n++, s, `Z1+assigned(OZ)/${s}`);
          await world.assign(A('city-m'), l, OZ);
          return l;
        },
      ],
      [
        'Z1→pending OZ',
        async (s) => {
          const l = await world.create(A('z1-o'), n++, s, `Z1+pending(OZ)/${s}`);
          await world.refer(A('z1-o'), l, OZ);
          return l;
        },
      ],
      [
        'Z1→accepted OZ2',
        async (s) => {
          const l = await world.create(A('z1-o'), n++, s, `Z1+accepted(OZ2)/${s}`);
          await world.respond(A('oz2-o'), await world.refer(A('z1-o'), l, OZ2), true);
          return l;
        },
      ],
      [
        'Z1→declined GX',
        async (s) => {
          const l = await world.create(A('z1-o'), n++, s, `Z1+declined(GX)/${s}`);
          await world.respond(A('gx-o'), await world.refer(A('z1-o'), l, GX), false, '不符合产业定位');
          return l;
        },
      ],
    ];
    for (const [, make] of setups) for (const s of SCOPES) await make(s);

    // Conflicts: same USCC under one district (coordinated by 临潼区), same normalised name across
    // districts (coordinated by the city). Notice otherLead must only name leads the owner may see.
    const shared = makeUscc(9001);
    await world.create(A('z1-o'), 101, 'PRIVATE', 'K1 Z1 uscc', { investor: { name: '秦川重工有限公司', uscc: shared } });
    await world.create(A('z2-o'), 102, 'PRIVATE', 'K2 Z2 uscc', { investor: { name: '秦川重工集团', uscc: shared } });
    await world.create(A('z1-o'), 103, 'CITY', 'K3 Z1 name', { investor: { name: '秦岭光电科技有限公司', uscc: null } });
    await world.create(A('oz-o'), 104, 'PRIVATE', 'K4 OZ name', { investor: { name: '秦岭光电科技(中国)有限公司', uscc: null } });
    expect(world.conflicts.map((c) => c.coordinator).sort()).toEqual([C, D].sort());

    const byLabel = (label: string) => [...world.leads.values()].find((l) => l.label === label)!;
    // Funnel positions for the yearly figures: signed and landed leads in several units.
    const landed = byLabel('Z1+assigned(OZ)/PRIVATE');
    for (const s of ['NEGOTIATING', 'SIGNED']) await world.stage(A('z1-o'), landed, s);
    await world.stage(A('z1-o'), landed, 'LANDED', { landing: world.tree.id(Z1) });
    for (const s of ['NEGOTIATING', 'SIGNED']) await world.stage(A('z1-o'), byLabel('Z1/PUBLIC'), s);
    for (const s of ['NEGOTIATING', 'SIGNED']) await world.stage(A('oz-o'), byLabel('OZ/DISTRICT'), s);
    await world.stage(A('dist-o'), byLabel('D/CITY'), 'NEGOTIATING');

    // Every lead gets sensitive history (contacts and USCC changed) and an activity.
    const ownerOfficer: Record<string, string> = { [Z1]: 'z1-o', [Z2]: 'z2-o', [D]: 'dist-o', [C]: 'city-o', [GX]: 'gx-o', [OZ]: 'oz-o' };
    await pMap([...world.leads.values()], 4, async (l) => {
      const by = A(ownerOfficer[l.owner]);
      const num = Number(/\d+/.exec(l.code.slice(-6))![0]);
      const contact = { name: `秘密新联系人${num}号`, phone: `1380000${String(num).padStart(4, '0')}`, email: `fresh${num}@invest.example` };
      const input: Record<string, unknown> = { contacts: [contact] };
      const secrets = [contact.name, contact.phone, contact.email];
      if (l.uscc && !l.label.startsWith('K')) {
        const uscc = makeUscc(5000 + num);
        input.investor = { name: `矩阵投资${l.label}`, uscc };
        secrets.push(uscc);
        await world.update(by, l, input, secrets);
        l.uscc = uscc;
      } else {
        await world.update(by, l, input, secrets);
      }
      await world.addActivity(by, l, `秘密纪要〔${l.code}〕`);
    });
  });
  afterAll(() => t?.close());

  it('builds a matrix that covers every scope, relation and tier', () => {
    expect(world.leads.size).toBe(40);
    const o = world.oracle;
    const cells = new Set<string>();
    for (const v of viewers) for (const l of world.leads.values()) cells.add(`${o.canSee(v, l)}/${o.seesDetail(v, l)}/${l.scope}`);
    // visible with and without detail, and invisible, for every scope
    for (const s of SCOPES) for (const c of ['true/true', 'true/false']) expect(cells).toContain(`${c}/${s}`);
    for (const s of ['PRIVATE', 'DISTRICT']) expect(cells).toContain(`false/false/${s}`);
  });

  it('lead(id) and leadByCode: visible leads carry the right fields, invisible ones look exactly like missing ones', async () => {
    expect(await forEachViewer(viewers, (v) => checkLeadByIdAndCode(world, v))).toEqual([]);
  });

  it('leads: edges and totalCount are exactly the visible leads, sensitive fields only for the owner/assigned chains', async () => {
    expect(await forEachViewer(viewers, (v) => checkLeadsList(world, v))).toEqual([]);
  });

  it('leads filters (ownerUnitIds, sharingScopes, stages, hasConflict) never widen what a viewer sees', async () => {
    const o = world.oracle;
    const tree = world.tree;
    const openConflictOf = (l: LeadState) => world.conflicts.filter((c) => c.status === 'OPEN' && c.leads.includes(l.id));
    const result = await forEachViewer(viewers, async (v) => {
      // A conflict is news only where its notice shows: the owner/assigned chains of the lead, when they may see the other lead.
      const knowsConflict = (l: LeadState) => openConflictOf(l).some((c) => o.knowsConflictOn(v, c, l, world.leads));
      return [
        ...(await checkFilter(world, v, 'owner Z1', { ownerUnitIds: [tree.id(Z1)] }, (l) => l.owner === Z1)),
        ...(await checkFilter(world, v, 'owner OZ', { ownerUnitIds: [tree.id(OZ)] }, (l) => l.owner === OZ)),
        ...(await checkFilter(world, v, 'owner D', { ownerUnitIds: [tree.id(D)] }, (l) => l.owner === D)),
        ...(await checkFilter(world, v, 'owner D+desc', { ownerUnitIds: [tree.id(D)], includeDescendants: true }, (l) =>
          tree.isSelfOrAncestor(D, l.owner),
        )),
        ...(await checkFilter(world, v, 'scope PRIVATE', { sharingScopes: ['PRIVATE'] }, (l) => l.scope === 'PRIVATE')),
        ...(await checkFilter(world, v, 'scope DISTRICT', { sharingScopes: ['DISTRICT'] }, (l) => l.scope === 'DISTRICT')),
        ...(await checkFilter(world, v, 'stage SIGNED', { stages: ['SIGNED'] }, (l) => l.stage === 'SIGNED')),
        // hasConflict matches exactly the leads whose conflict notice the viewer gets, in both directions.
        ...(await checkFilter(world, v, 'hasConflict', { hasConflict: true }, knowsConflict)),
        ...(await checkFilter(world, v, 'hasConflict:false', { hasConflict: false }, (l) => !knowsConflict(l))),
      ];
    });
    expect(result).toEqual([]);
  });

  it('leads(investorUscc) matches only leads whose USCC the viewer may read', async () => {
    expect(await forEachViewer(viewers, (v) => checkUsccFilter(world, v))).toEqual([]);
  });

  it('conflicts: coordinated by the viewer unit or below, both leads in full; nothing for API clients', async () => {
    const result = await forEachViewer(viewers, (v) => checkConflictsQuery(world, v));
    expect(result).toEqual([]);
    // The matrix is not vacuous: the city sees both conflicts, the district one, a zone none.
    expect(world.conflicts.filter((c) => world.oracle.seesConflict(A('city-o'), c))).toHaveLength(2);
    expect(world.conflicts.filter((c) => world.oracle.seesConflict(A('dist-o'), c))).toHaveLength(1);
  });

  it('referrals: INCOMING/OUTGOING of the viewer unit, lead null once it is out of sight', async () => {
    expect(await forEachViewer(viewers, (v) => checkReferrals(world, v))).toEqual([]);
    // The declined receiver no longer sees a PRIVATE lead, yet its referral history stays its own;
    // a CITY lead it still sees comes with the lead.
    const declined = (scope: string) => world.referrals.find((r) => r.to === GX && world.lead(r.leadId).label === `Z1+declined(GX)/${scope}`)!;
    const res = await t.gql(`{ referrals(direction: INCOMING, status: DECLINED) { edges { node { id lead { id } } } } }`, {}, A('gx-o').auth);
    const nodes: { id: string; lead: { id: string } | null }[] = ok(res).referrals.edges.map((e: any) => e.node);
    expect(nodes.find((n) => n.id === declined('PRIVATE').id)?.lead ?? null).toBeNull();
    expect(nodes.find((n) => n.id === declined('CITY').id)?.lead).toEqual({ id: declined('CITY').leadId });
  });

  it('leadStats counts only visible leads, per district/zone of the viewer subtree', async () => {
    expect(await forEachViewer(viewers, (v) => checkStats(world, v))).toEqual([]);
  });

  it('malformed ids and codes look like missing leads: null or NOT_FOUND, never an internal error', async () => {
    for (const id of ['not-a-uuid', '', "'; DROP TABLE lead; --", '00000000-0000-0000-0000-000000000000', 'x'.repeat(500)]) {
      const q = await t.gql(`query($id: ID!, $code: String!) { lead(id: $id) { id } leadByCode(code: $code) { id } }`, { id, code: id }, A('city-o').auth);
      expect([id, q.body.errors ?? [], q.body.data]).toEqual([id, [], { lead: null, leadByCode: null }]);
      const m = await t.gql(`mutation($id: ID!) { updateLead(id: $id, version: 1, input: { summary: "x" }) { id } }`, { id }, A('city-o').auth);
      expect([id, outcomeOf(m)]).toEqual([id, 'NOT_FOUND']);
    }
  });

  it('an API client without scopes sees nothing at all', async () => {
    const res = await listLeads(world, A('api-none-z1'), null);
    const refused = res.body.errors?.every((e) => e.extensions?.code === 'FORBIDDEN');
    expect(refused || (res.body.data?.leads.totalCount === 0 && res.body.data.leads.edges.length === 0)).toBe(true);
  });
});

/* ------------------------------------------------------------------------------------------------ */

type Phase = 'update' | 'activity' | 'hold' | 'backward' | 'widen' | 'narrow' | 'refer' | 'assign';

const REFER_TARGETS = [
  '610103-Z1',
  '610104-Z1',
  '610111-Z1',
  '610112-Z1',
  '610113-Z1',
  '610114-Z1',
  '610114-Z2',
  '610116-Z1',
  '610116-Z2',
  '610118-Z1',
  '610122-Z1',
  '610124-Z1',
  '610100-JK',
  '610100-HT',
];

describe('leads visibility: every write path', () => {
  let t: TestApp;
  let world: LeadWorld;
  let a: Map<string, Actor>;
  let actors: Actor[];
  const A = (name: string) => a.get(name)!;
  /** Outcome of each mutation on a lead id that does not exist, per actor: what "invisible" must look like. */
  const missing = new Map<string, string>();
  const referCount = new Map<string, number>();

  const UNITS: [string, string][] = [
    ['c', C],
    ['d', D],
    ['z1', Z1],
    ['z2', Z2],
    ['od', OD],
    ['oz', OZ],
    ['gx', GX],
  ];
  const ROLES: [string, RoleName][] = [
    ['v', 'VIEWER'],
    ['o', 'OFFICER'],
    ['m', 'MANAGER'],
  ];

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    world = new LeadWorld(t, await OrgTree.load(t));
    a = await createActors(
      t,
      UNITS.flatMap(([u, unit]) => ROLES.map(([r, role]) => ({ name: `${u}-${r}`, unit, role }))),
      [
        { name: 'api-read-z1', unit: Z1, scopes: ['leads:read'] },
        { name: 'api-rw-z1', unit: Z1, scopes: ['leads:read', 'leads:write'] },
        { name: 'api-none-z1', unit: Z1, scopes: [] },
        { name: 'api-rw-d', unit: D, scopes: ['leads:read', 'leads:write'] },
      ],
    );
    actors = [...a.values()];
    let n = 1;
    for (const [owner, by] of [
      [Z1, 'z1-o'],
      [D, 'd-o'],
      [GX, 'gx-o'],
    ]) {
      for (const s of SCOPES) await world.create(A(by), n++, s, `${owner}/${s}`);
    }
    const assigned = await world.create(A('z1-o'), n++, 'PRIVATE', `${Z1}+assigned(${OZ})/PRIVATE`);
    await world.assign(A('c-m'), assigned, OZ);
    const pending = await world.create(A('z1-o'), n++, 'PRIVATE', `${Z1}+pending(${OZ})/PRIVATE`);
    await world.refer(A('z1-o'), pending, OZ);
    for (const l of world.leads.values()) await world.stage(A('c-m'), l, 'NEGOTIATING');
  });
  afterAll(() => t?.close());

  const MUTATION: Record<Phase, string> = {
    update: `mutation($id: ID!, $v: Int!) { r: updateLead(id: $id, version: $v, input: { summary: "matrix edit" }) { id version } }`,
    activity: `mutation($id: ID!) { r: addLeadActivity(leadId: $id, input: { kind: CALL, occurredAt: "2026-01-05T08:00:00Z", summary: "matrix call" }) { id } }`,
    hold: `mutation($id: ID!, $v: Int!) { r: changeLeadStage(id: $id, version: $v, stage: ON_HOLD) { id version } }`,
    backward: `mutation($id: ID!, $v: Int!) { r: changeLeadStage(id: $id, version: $v, stage: LEAD) { id version } }`,
    widen: `mutation($id: ID!, $v: Int!, $s: SharingScope!) { r: shareLead(id: $id, version: $v, scope: $s) { id version } }`,
    narrow: `mutation($id: ID!, $v: Int!) { r: shareLead(id: $id, version: $v, scope: PRIVATE) { id version } }`,
    refer: `mutation($id: ID!, $to: ID!) { r: referLead(id: $id, toUnitId: $to, note: "matrix") { id } }`,
    assign: `mutation($id: ID!, $to: ID!) { r: assignLead(id: $id, unitId: $to) { id version assignedUnits { code } } }`,
  };

  const nextScope = (s: Scope): Scope => SCOPES[SCOPE_RANK[s] + 1];

  function referTarget(l: LeadState): string {
    return REFER_TARGETS[(referCount.get(l.id) ?? 0) % REFER_TARGETS.length];
  }

  /** The unit an actor would assign to: one strictly below it that is not yet on the lead, else any. */
  function assignTarget(actor: Actor, l: LeadState): string | null {
    const tree = world.tree;
    const tier = tree.unit(actor.unit).tier;
    if (tier === 'ZONE') return REFER_TARGETS[0];
    const below = tree
      .all()
      .filter((u) => tree.isStrictAncestor(actor.unit, u.code) && u.code !== l.owner && !l.assigned.has(u.code))
      .map((u) => u.code);
    const preferred = below.filter((u) => REFER_TARGETS.includes(u));
    return preferred[0] ?? below[0] ?? null;
  }

  function expected(phase: Phase, actor: Actor, l: LeadState): WriteOutcome | null {
    const o = world.oracle;
    switch (phase) {
      case 'update':
      case 'activity':
      case 'hold':
        return o.write(actor, l, o.canEdit(actor, l));
      case 'backward':
        return o.write(actor, l, o.canManageOwnerChain(actor, l));
      case 'widen':
        return l.scope === 'PUBLIC' ? null : o.write(actor, l, o.canEdit(actor, l));
      case 'narrow':
        return l.scope === 'PRIVATE' ? null : o.write(actor, l, o.canManageOwnerChain(actor, l));
      case 'refer':
        return o.write(actor, l, o.canRefer(actor, l));
      case 'assign': {
        const target = assignTarget(actor, l);
        return target === null ? null : o.write(actor, l, o.canAssign(actor, l, target));
      }
    }
  }

  function variables(phase: Phase, actor: Actor, l: LeadState, id = l.id): Record<string, unknown> {
    switch (phase) {
      case 'widen':
        return { id, v: l.version, s: nextScope(l.scope) };
      case 'refer':
        return { id, to: world.tree.id(referTarget(l)) };
      case 'assign':
        return { id, to: world.tree.id(assignTarget(actor, l) ?? REFER_TARGETS[0]) };
      default:
        return { id, v: l.version };
    }
  }

  /** Puts the lead back as it was (as the city manager, who may do all of it) and refreshes the model. */
  async function afterSuccess(phase: Phase, actor: Actor, l: LeadState, before: { scope: Scope; stage: string }, vars: Record<string, unknown>) {
    const cm = A('c-m');
    if (phase === 'refer') {
      l.pending.add(world.tree.codeOfId(vars.to as string));
      referCount.set(l.id, (referCount.get(l.id) ?? 0) + 1);
    }
    await world.refresh(l.id, cm);
    if (phase === 'hold' || phase === 'backward') await world.stage(cm, l, before.stage);
    if (phase === 'widen' || phase === 'narrow') await world.share(cm, l, before.scope);
  }

  /**
   * Runs one phase over actors × leads: leads in parallel, each lead's cases one after another so
   * versions stay exact. Returns every difference from the oracle.
   */
  async function runPhase(phase: Phase): Promise<string[]> {
    const probe = world.leads.values().next().value!;
    for (const actor of actors) {
      const key = `${phase}/${actor.name}`;
      if (missing.has(key)) continue;
      const res = await t.gql(MUTATION[phase], variables(phase, actor, probe, randomUUID()), actor.auth);
      missing.set(key, outcomeOf(res));
    }
    const out: string[] = [];
    let ran = 0;
    await pMap([...world.leads.values()], 4, async (l) => {
      for (const actor of actors) {
        const want = expected(phase, actor, l);
        if (want === null) continue;
        const before = { scope: l.scope, stage: l.stage };
        const vars = variables(phase, actor, l);
        const res = await t.gql(MUTATION[phase], vars, actor.auth);
        const got = outcomeOf(res);
        ran++;
        const tag = `${phase}: ${actor.name} × ${l.label}`;
        if (got === 'OK') {
          await afterSuccess(phase, actor, l, before, vars);
          if (want !== 'OK' && want !== 'EITHER') out.push(`${tag}: expected ${want}, the mutation succeeded`);
        } else if (want === 'OK') {
          out.push(`${tag}: expected OK, got ${got} ${JSON.stringify(res.body.errors?.[0]?.message)}`);
        } else if (want === 'EITHER') {
          if (got !== 'FORBIDDEN') out.push(`${tag}: expected OK or FORBIDDEN, got ${got}`);
        } else if (got !== want) {
          // A refusal that does not depend on the lead (same answer for a missing id) leaks nothing.
          const onMissing = missing.get(`${phase}/${actor.name}`);
          const cannotWrite = actor.kind === 'user' ? actor.role === 'VIEWER' : !actor.scopes.includes('leads:write');
          if (!(want === 'NOT_FOUND' && cannotWrite && got === onMissing && got === 'FORBIDDEN')) {
            out.push(`${tag}: expected ${want}, got ${got} ${JSON.stringify(res.body.errors?.[0]?.message)}`);
          }
        }
      }
    });
    expect(ran).toBeGreaterThan(50);
    for (const actor of actors) {
      const onMissing = missing.get(`${phase}/${actor.name}`);
      const cannotWrite = actor.kind === 'user' ? actor.role === 'VIEWER' : !actor.scopes.includes('leads:write');
      if (onMissing !== 'NOT_FOUND' && !(cannotWrite && onMissing === 'FORBIDDEN')) {
        out.push(`${phase}: ${actor.name} on a missing lead got ${onMissing}, expected NOT_FOUND`);
      }
    }
    return out;
  }

  it.each<Phase>(['update', 'activity', 'hold', 'backward', 'widen', 'narrow', 'refer', 'assign'])(
    '%s: allowed → succeeds, visible but not allowed → FORBIDDEN, invisible → NOT_FOUND',
    async (phase) => {
      expect(await runPhase(phase)).toEqual([]);
    },
  );

  it('respondToReferral: only the receiving unit answers; the referring unit is FORBIDDEN, outsiders NOT_FOUND', async () => {
    const lead = await world.create(A('z1-o'), 200, 'PRIVATE', 'referral lead');
    const shared = await world.refer(A('z1-o'), lead, Z2);
    const out: string[] = [];
    const respond = (actor: Actor, id: string, accept: boolean) =>
      t.gql(`mutation($id: ID!, $a: Boolean!) { respondToReferral(referralId: $id, accept: $a, note: "n") { id status } }`, { id, a: accept }, actor.auth);
    let okActors: Actor[] = [];
    for (const actor of actors) {
      const want = world.oracle.respondOutcome(actor, shared, lead);
      if (want === 'EITHER') continue; // not specified by the contract; running it could spend the referral
      if (want === 'OK') {
        okActors = [...okActors, actor];
        continue;
      }
      const got = outcomeOf(await respond(actor, shared.id, false));
      const onMissing = outcomeOf(await respond(actor, randomUUID(), false));
      const cannotWrite = actor.kind === 'user' ? actor.role === 'VIEWER' : !actor.scopes.includes('leads:write');
      if (got !== want && !(want === 'NOT_FOUND' && cannotWrite && got === 'FORBIDDEN' && onMissing === 'FORBIDDEN')) {
        out.push(`respond: ${actor.name}: expected ${want}, got ${got}`);
      }
      if (got === 'OK') world.applyResponse(shared, false);
    }
    expect(okActors.map((x) => x.name).sort()).toEqual(['z2-m', 'z2-o']);
    for (const [i, actor] of okActors.entries()) {
      const l = await world.create(A('z1-o'), 201 + i, 'PRIVATE', `referral lead ${i}`);
      const r = await world.refer(A('z1-o'), l, Z2);
      const res = await respond(actor, r.id, i === 0);
      if (outcomeOf(res) !== 'OK') out.push(`respond: ${actor.name}: expected OK, got ${outcomeOf(res)}`);
      else {
        world.applyResponse(r, i === 0);
        await world.sync(l.id);
      }
    }
    expect(out).toEqual([]);
    // After accepting, the receiver is an assigned unit: it may edit; after declining it sees nothing.
    const accepted = [...world.leads.values()].find((l) => l.label === 'referral lead 0')!;
    const declined = [...world.leads.values()].find((l) => l.label === 'referral lead 1')!;
    const res = await t.gql(`query($a: ID!, $b: ID!) { a: lead(id: $a) { viewerCanEdit contacts { name } } b: lead(id: $b) { id } }`, { a: accepted.id, b: declined.id }, A('z2-o').auth);
    expect(ok(res)).toEqual({ a: { viewerCanEdit: true, contacts: expect.any(Array) }, b: null });
    // The answer to a decline no longer carries the (now invisible) lead.
    const l3 = await world.create(A('z1-o'), 203, 'PRIVATE', 'referral lead 2');
    const r3 = await world.refer(A('z1-o'), l3, Z2);
    const declinedAnswer = await t.gql(
      `mutation($id: ID!) { respondToReferral(referralId: $id, accept: false, note: "无地") { status lead { id contacts { name } } } }`,
      { id: r3.id },
      A('z2-o').auth,
    );
    expect(ok(declinedAnswer).respondToReferral).toEqual({ status: 'DECLINED', lead: null });
    world.applyResponse(r3, false);
    await world.sync(l3.id);
  });

  it('resolveConflict: the coordinating chain decides (MANAGER+); owners FORBIDDEN; outsiders and API clients NOT_FOUND', async () => {
    const mkConflict = async (k: number) => {
      const uscc = makeUscc(7000 + k);
      await world.create(A('z1-o'), 300 + 2 * k, 'PRIVATE', `conflict ${k} Z1`, { investor: { name: `冲突投资${k}公司`, uscc } });
      await world.create(A('z2-o'), 301 + 2 * k, 'PRIVATE', `conflict ${k} Z2`, { investor: { name: `冲突投资${k}有限公司`, uscc } });
      const c = world.conflicts[world.conflicts.length - 1];
      expect(c.coordinator).toBe(D);
      return c;
    };
    const resolve = (actor: Actor, id: string) =>
      t.gql(`mutation($id: ID!) { resolveConflict(id: $id, resolution: JOINT_PURSUIT, note: "matrix") { id status resolution } }`, { id }, actor.auth);
    const shared = await mkConflict(0);
    const out: string[] = [];
    const okActors: Actor[] = [];
    for (const actor of actors) {
      const want = world.oracle.resolveOutcome(actor, shared, world.leads);
      if (want === 'EITHER') continue;
      if (want === 'OK') {
        okActors.push(actor);
        continue;
      }
      const got = outcomeOf(await resolve(actor, shared.id));
      const onMissing = outcomeOf(await resolve(actor, randomUUID()));
      const cannotWrite = actor.kind === 'user' ? actor.role === 'VIEWER' : !actor.scopes.includes('leads:write');
      if (got !== want && !(want === 'NOT_FOUND' && cannotWrite && got === 'FORBIDDEN' && onMissing === 'FORBIDDEN')) {
        out.push(`resolve: ${actor.name}: expected ${want}, got ${got}`);
      }
      if (got === 'OK') shared.status = 'RESOLVED';
    }
    expect(okActors.map((x) => x.name).sort()).toEqual(['c-m', 'd-m']);
    for (const [i, actor] of okActors.entries()) {
      const c = await mkConflict(i + 1);
      const res = await resolve(actor, c.id);
      if (outcomeOf(res) !== 'OK') out.push(`resolve: ${actor.name}: expected OK, got ${outcomeOf(res)}`);
      else {
        expect(ok(res).resolveConflict).toMatchObject({ id: c.id, status: 'RESOLVED', resolution: 'JOINT_PURSUIT' });
        c.status = 'RESOLVED';
      }
    }
    expect(out).toEqual([]);
  });

  it('createLead: OFFICER and above, API clients only with leads:write (owned by their unit)', async () => {
    const out: string[] = [];
    let n = 400;
    for (const actor of actors) {
      const allowed = actor.kind === 'user' ? actor.role !== 'VIEWER' : actor.scopes.includes('leads:write');
      const res = await t.gql(
        `mutation($input: CreateLeadInput!) { createLead(input: $input) { id code version stage sharingScope createdAt signedAt landedAt ownerUnit { code } assignedUnits { code } } }`,
        { input: { title: `新建项目 ${n}`, industryCode: 'FOOD', investor: { name: `新建投资${n++}号` } } },
        actor.auth,
      );
      const got = outcomeOf(res);
      if (got !== (allowed ? 'OK' : 'FORBIDDEN')) out.push(`createLead: ${actor.name}: expected ${allowed ? 'OK' : 'FORBIDDEN'}, got ${got}`);
      if (got === 'OK') {
        const node = res.body.data!.createLead;
        if (node.ownerUnit.code !== actor.unit) out.push(`createLead: ${actor.name}: owner ${node.ownerUnit.code}`);
        world.leads.set(node.id, {
          id: node.id, code: node.code, label: `created by ${actor.name}`, owner: node.ownerUnit.code, scope: node.sharingScope,
          assigned: new Set(), pending: new Set(), uscc: null, secrets: [], stage: node.stage, version: node.version,
          investmentAmount: null, expectedJobs: null, createdAt: new Date(node.createdAt), signedAt: null, landedAt: null,
        });
      }
    }
    expect(out).toEqual([]);
  });

  it('after all the writes, each actor still sees exactly the leads the oracle says', async () => {
    const out = await forEachViewer(actors, async (v) => {
      const res = await listLeads(world, v, null);
      if (res.body.errors) return v.kind === 'api' && v.scopes.length === 0 ? [] : [`${v.name}: ${JSON.stringify(res.body.errors)}`];
      const data = res.body.data!.leads;
      const got = data.edges.map((e: any) => e.node.id).sort();
      const want = [...world.leads.values()].filter((l) => world.oracle.canSee(v, l)).map((l) => l.id).sort();
      return JSON.stringify(got) === JSON.stringify(want) && data.totalCount === want.length
        ? []
        : [`${v.name}: got ${got.length} (total ${data.totalCount}), expected ${want.length}`];
    });
    expect(out).toEqual([]);
  });
});
