import { randomUUID } from 'node:crypto';
import type { Actor } from './actors';
import { chunk, pMap } from './gql';
import type { LeadWorld } from './lead-world';
import { cents, shanghaiYear, type LeadState } from './visibility-oracle';

/** Everything a lead exposes that matters for visibility, sensitive fields included. */
export const LEAD_READ = `id code title summary sharingScope stage version viewerCanEdit
  ownerUnit { code } assignedUnits { code }
  investor { name uscc countryOrRegion }
  contacts { name title phone email }
  activities(first: 10) { totalCount edges { node { summary } } }
  createdBy { id }
  history { action actorKind actor { id } actorUnit { code } note changes { field oldValue newValue } }
  conflicts { id match status coordinatingUnit { code } otherLead { id title investor { uscc } contacts { phone } } }`;

export type Mismatches = string[];

const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();

/** Checks one lead node as `viewer` received it against the oracle; returns what differs. */
export function checkLeadNode(world: LeadWorld, viewer: Actor, l: LeadState, node: any, where: string): Mismatches {
  const o = world.oracle;
  const out: Mismatches = [];
  const tag = `${viewer.name} × ${l.label} (${where})`;
  if (!o.canSee(viewer, l)) {
    if (node !== null && node !== undefined) out.push(`${tag}: invisible lead was returned`);
    return out;
  }
  if (!node) return [`${tag}: visible lead missing`];
  if (node.id !== l.id || node.code !== l.code) out.push(`${tag}: wrong lead ${node.id}`);
  if (node.ownerUnit?.code !== l.owner) out.push(`${tag}: ownerUnit ${node.ownerUnit?.code} ≠ ${l.owner}`);
  if (node.sharingScope !== l.scope) out.push(`${tag}: scope ${node.sharingScope} ≠ ${l.scope}`);
  const assigned = (node.assignedUnits as { code: string }[]).map((u) => u.code).sort();
  if (JSON.stringify(assigned) !== JSON.stringify([...l.assigned].sort())) {
    out.push(`${tag}: assignedUnits ${assigned} ≠ ${[...l.assigned].sort()}`);
  }
  if (node.viewerCanEdit !== o.canEdit(viewer, l)) out.push(`${tag}: viewerCanEdit ${node.viewerCanEdit}`);
  // History follows the detail rule of what it describes; conflict entries that of the notice.
  const known = world.conflicts.filter((c) => c.leads.includes(l.id) && o.knowsConflictOn(viewer, c, l, world.leads));
  const detected = (node.history as any[]).filter((h) => h.action === 'CONFLICT_DETECTED');
  if (detected.length !== known.length) out.push(`${tag}: ${detected.length} CONFLICT_DETECTED entries, expected ${known.length}`);
  if (detected.some((h) => h.actorKind !== 'system' || h.actor !== null || h.actorUnit !== null)) out.push(`${tag}: CONFLICT_DETECTED names an actor`);
  const resolved = (node.history as any[]).filter((h) => h.action === 'CONFLICT_RESOLVED');
  if (resolved.length !== known.filter((c) => c.status === 'RESOLVED').length) out.push(`${tag}: ${resolved.length} CONFLICT_RESOLVED entries`);
  if (viewer.kind === 'api') {
    // Partners get units, never the officers behind them.
    if (node.createdBy !== null) out.push(`${tag}: API client reads createdBy`);
    if ((node.history as any[]).some((h) => h.actor !== null)) out.push(`${tag}: API client reads history.actor`);
    const created = (node.history as any[]).find((h) => h.action === 'CREATED');
    if (created?.actorUnit?.code !== l.owner) out.push(`${tag}: CREATED entry's actorUnit ${created?.actorUnit?.code} ≠ ${l.owner}`);
  }
  if (o.seesDetail(viewer, l)) {
    if (node.investor.uscc !== l.uscc) out.push(`${tag}: owner/assigned chain gets uscc ${node.investor.uscc} ≠ ${l.uscc}`);
    if (!Array.isArray(node.contacts) || node.contacts.length === 0) out.push(`${tag}: owner/assigned chain gets no contacts`);
    if (!node.activities || node.activities.totalCount < 1) out.push(`${tag}: owner/assigned chain gets no activities`);
    const open = world.conflicts.filter((c) => c.status === 'OPEN' && c.leads.includes(l.id) && o.knowsConflictOn(viewer, c, l, world.leads));
    const notices = (node.conflicts as any[]).filter((n) => n.status === 'OPEN');
    if (notices.length !== open.length) out.push(`${tag}: ${notices.length} open conflict notices, expected ${open.length}`);
    for (const c of open) {
      const n = notices.find((x) => x.id === c.id);
      if (!n) {
        out.push(`${tag}: conflict ${c.id} missing`);
        continue;
      }
      if (n.coordinatingUnit.code !== c.coordinator) out.push(`${tag}: coordinator ${n.coordinatingUnit.code} ≠ ${c.coordinator}`);
      const other = world.lead(c.leads[0] === l.id ? c.leads[1] : c.leads[0]);
      if (o.canSee(viewer, other) ? n.otherLead?.id !== other.id : n.otherLead !== null) {
        out.push(`${tag}: conflict notice otherLead ${n.otherLead?.id ?? null}, viewer ${o.canSee(viewer, other) ? 'may' : 'may not'} see ${other.label}`);
      }
    }
  } else {
    if (node.history.some((h: any) => h.action === 'ACTIVITY_ADDED')) out.push(`${tag}: ACTIVITY_ADDED history leaked`);
    if (node.investor.uscc !== null) out.push(`${tag}: uscc leaked`);
    if (node.contacts !== null) out.push(`${tag}: contacts leaked`);
    if (node.activities !== null) out.push(`${tag}: activities leaked`);
    if (node.conflicts.length !== 0) out.push(`${tag}: conflict notices leaked`);
  }
  return out;
}

/** Every secret of every lead the viewer may not read in detail must be absent from the whole response. */
export function checkNoSecrets(world: LeadWorld, viewer: Actor, body: unknown, where: string): Mismatches {
  const text = JSON.stringify(body);
  const out: Mismatches = [];
  const leads = [...world.leads.values()];
  // A value shared by two leads (same investor USCC) is no secret to a viewer who may read either.
  const readable = new Set(leads.filter((l) => world.oracle.seesDetail(viewer, l)).flatMap((l) => l.secrets));
  for (const l of leads) {
    if (world.oracle.seesDetail(viewer, l)) continue;
    for (const s of l.secrets) {
      if (!readable.has(s) && text.includes(s)) out.push(`${viewer.name} × ${l.label} (${where}): secret "${s}" leaked`);
    }
  }
  return out;
}

/** The data of a request, or a mismatch naming the errors (so one failing viewer does not hide the others). */
function dataOr(res: { body: { data?: any; errors?: unknown[] } }, tag: string, out: Mismatches): any {
  if (res.body.errors?.length || !res.body.data) {
    out.push(`${tag}: ${JSON.stringify(res.body.errors ?? res.body).slice(0, 300)}`);
    return null;
  }
  return res.body.data;
}

export async function checkLeadByIdAndCode(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const { t } = world;
  const leads = [...world.leads.values()];
  const out: Mismatches = [];
  for (const [field, arg] of [
    ['lead', 'id'],
    ['leadByCode', 'code'],
  ] as const) {
    for (const part of chunk(leads, 20)) {
      const q = `query { ${part.map((l, i) => `l${i}: ${field}(${arg}: ${JSON.stringify(l[arg])}) { ${LEAD_READ} }`).join('\n')}
        missing: ${field}(${arg}: ${JSON.stringify(arg === 'id' ? randomUUID() : 'XA-1999-999999')}) { id } }`;
      const res = await t.gql(q, {}, viewer.auth);
      if (res.body.errors) {
        out.push(`${viewer.name} ${field}: errors ${JSON.stringify(res.body.errors).slice(0, 300)}`);
        continue;
      }
      const data = res.body.data!;
      if (data.missing !== null) out.push(`${viewer.name} ${field}: a missing lead was returned`);
      part.forEach((l, i) => out.push(...checkLeadNode(world, viewer, l, data[`l${i}`], field)));
      out.push(...checkNoSecrets(world, viewer, res.body, field));
    }
  }
  return out;
}

export async function listLeads(world: LeadWorld, viewer: Actor, filter: Record<string, unknown> | null, fields = 'id', first = 100, after: string | null = null) {
  const res = await world.t.gql(
    `query($f: LeadFilter, $first: Int, $after: String) { leads(first: $first, after: $after, filter: $f) {
       totalCount edges { node { ${fields} } } pageInfo { hasNextPage endCursor } } }`,
    { f: filter, first, after },
    viewer.auth,
  );
  return res;
}

/** Walks the whole list in pages of 20 (the full selection is too costly for one page of 100). */
export async function checkLeadsList(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const out: Mismatches = [];
  const nodes: any[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const res = await listLeads(world, viewer, null, LEAD_READ, 20, after);
    const data = dataOr(res, `${viewer.name} leads page ${page}`, out);
    if (!data) return out;
    nodes.push(...data.leads.edges.map((e: any) => e.node));
    totals.push(data.leads.totalCount);
    out.push(...checkNoSecrets(world, viewer, res.body, 'leads'));
    if (!data.leads.pageInfo.hasNextPage) break;
    after = data.leads.pageInfo.endCursor;
  }
  const visible = [...world.leads.values()].filter((l) => world.oracle.canSee(viewer, l));
  const got = ids(nodes);
  const want = visible.map((l) => l.id).sort();
  if (new Set(got).size !== got.length) out.push(`${viewer.name} leads: a lead appears on two pages`);
  for (const id of got) if (!want.includes(id)) out.push(`${viewer.name} leads: invisible ${world.leads.get(id)?.label ?? id} listed`);
  for (const id of want) if (!got.includes(id)) out.push(`${viewer.name} leads: visible ${world.lead(id).label} missing`);
  for (const total of new Set(totals)) if (total !== want.length) out.push(`${viewer.name} leads: totalCount ${total} ≠ ${want.length}`);
  for (const node of nodes) {
    const l = world.leads.get(node.id);
    if (l) out.push(...checkLeadNode(world, viewer, l, node, 'leads'));
  }
  return out;
}

/** A filtered list must be the visible leads that pass the filter: `required` ⊆ result ⊆ `allowed`. */
export async function checkFilter(
  world: LeadWorld,
  viewer: Actor,
  name: string,
  filter: Record<string, unknown>,
  required: (l: LeadState) => boolean,
  allowed: (l: LeadState) => boolean = required,
): Promise<Mismatches> {
  const res = await listLeads(world, viewer, filter);
  const out: Mismatches = [];
  const d = dataOr(res, `${viewer.name} leads(${name})`, out);
  if (!d) return out;
  const data = d.leads;
  const got: string[] = data.edges.map((e: any) => e.node.id);
  const all = [...world.leads.values()];
  for (const id of got) {
    const l = world.leads.get(id);
    if (!l || !world.oracle.canSee(viewer, l) || !allowed(l)) out.push(`${viewer.name} leads(${name}): ${l?.label ?? id} must not be listed`);
  }
  for (const l of all) {
    if (world.oracle.canSee(viewer, l) && required(l) && !got.includes(l.id)) out.push(`${viewer.name} leads(${name}): ${l.label} missing`);
  }
  if (data.totalCount !== got.length) out.push(`${viewer.name} leads(${name}): totalCount ${data.totalCount} ≠ ${got.length} edges`);
  return out;
}

/** investorUscc filter for every lead with a USCC at once (aliases), matching only where the USCC is readable. */
export async function checkUsccFilter(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const out: Mismatches = [];
  const usccs = [...new Set([...world.leads.values()].map((l) => l.uscc).filter((u): u is string => u !== null))];
  for (const part of chunk(usccs, 20)) {
    const q = `query { ${part
      .map((u, i) => `u${i}: leads(first: 10, filter: { investorUscc: ${JSON.stringify(u)} }) { totalCount edges { node { id } } }`)
      .join('\n')} }`;
    const res = await world.t.gql(q, {}, viewer.auth);
    const data = dataOr(res, `${viewer.name} investorUscc`, out);
    if (!data) continue;
    part.forEach((u, i) => {
      const want = [...world.leads.values()]
        .filter((l) => l.uscc === u && world.oracle.seesDetail(viewer, l))
        .map((l) => l.id)
        .sort();
      const got = ids(data[`u${i}`].edges.map((e: any) => e.node));
      if (JSON.stringify(got) !== JSON.stringify(want) || data[`u${i}`].totalCount !== want.length) {
        const label = (xs: string[]) => xs.map((id) => world.leads.get(id)?.label ?? id).join(', ');
        out.push(`${viewer.name} leads(investorUscc ${u}): got [${label(got)}] (total ${data[`u${i}`].totalCount}), expected [${label(want)}]`);
      }
    });
  }
  return out;
}

export async function checkConflictsQuery(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const res = await world.t.gql(
    `{ conflicts(first: 50) { totalCount edges { node { id status coordinatingUnit { code } leads { id contacts { phone } investor { uscc } } } } } }`,
    {},
    viewer.auth,
  );
  const out: Mismatches = [];
  const want = world.conflicts.filter((c) => world.oracle.seesConflict(viewer, c));
  if (res.body.errors) {
    // An API client may be refused outright; a user must get an answer.
    if (viewer.kind === 'api' && want.length === 0 && res.body.errors.every((e) => e.extensions?.code === 'FORBIDDEN')) return out;
    return [`${viewer.name} conflicts: ${JSON.stringify(res.body.errors).slice(0, 300)}`];
  }
  const conn = res.body.data!.conflicts;
  const got = conn.edges.map((e: any) => e.node);
  const gotIds = got.map((n: any) => n.id).sort();
  const wantIds = want.map((c) => c.id).sort();
  if (JSON.stringify(gotIds) !== JSON.stringify(wantIds)) out.push(`${viewer.name} conflicts: got ${gotIds.length} ${gotIds}, expected ${wantIds.length} ${wantIds}`);
  if (conn.totalCount !== wantIds.length) out.push(`${viewer.name} conflicts: totalCount ${conn.totalCount} ≠ ${wantIds.length}`);
  for (const n of got) {
    const c = world.conflicts.find((x) => x.id === n.id);
    if (!c) continue;
    if (n.coordinatingUnit.code !== c.coordinator) out.push(`${viewer.name} conflict ${c.id}: coordinator ${n.coordinatingUnit.code}`);
    if (JSON.stringify(ids(n.leads)) !== JSON.stringify([...c.leads].sort())) out.push(`${viewer.name} conflict ${c.id}: leads ${ids(n.leads)}`);
    for (const ln of n.leads) {
      // The coordinating chain sees both leads in full.
      const l = world.leads.get(ln.id);
      if (l && ln.investor.uscc !== l.uscc) out.push(`${viewer.name} conflict ${c.id}: coordinator sees uscc ${ln.investor.uscc} of ${l.label}`);
    }
  }
  out.push(...checkNoSecrets(world, viewer, res.body, 'conflicts'));
  return out;
}

export async function checkReferrals(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const out: Mismatches = [];
  for (const direction of ['INCOMING', 'OUTGOING'] as const) {
    for (const status of [null, 'PENDING'] as const) {
      const res = await world.t.gql(
        `query($d: ReferralDirection!, $s: ReferralStatus) { referrals(direction: $d, status: $s, first: 50) {
           totalCount edges { node { id status fromUnit { code } toUnit { code } lead { id contacts { phone } investor { uscc } } } } } }`,
        { d: direction, s: status },
        viewer.auth,
      );
      const tag = `${viewer.name} referrals(${direction}${status ? `, ${status}` : ''})`;
      if (res.body.errors) {
        if (viewer.kind === 'api' && res.body.errors.every((e) => e.extensions?.code === 'FORBIDDEN')) continue;
        out.push(`${tag}: ${JSON.stringify(res.body.errors).slice(0, 300)}`);
        continue;
      }
      const conn = res.body.data!.referrals;
      const got: any[] = conn.edges.map((e: any) => e.node);
      const mine = world.referrals.filter(
        (r) => (direction === 'INCOMING' ? r.to : r.from) === viewer.unit && (status === null || r.status === status),
      );
      for (const n of got) {
        const r = world.referrals.find((x) => x.id === n.id);
        if (!r || !mine.includes(r)) {
          out.push(`${tag}: foreign referral ${n.id} listed`);
          continue;
        }
        const lead = world.lead(r.leadId);
        const sees = world.oracle.canSee(viewer, lead);
        if (sees ? n.lead?.id !== lead.id : n.lead !== null) out.push(`${tag}: referral of ${lead.label} has lead ${n.lead?.id ?? null}`);
        if (n.status !== r.status) out.push(`${tag}: status ${n.status} ≠ ${r.status}`);
        // A partner client must not learn of referrals of leads it cannot see.
        if (viewer.kind === 'api' && !sees) out.push(`${tag}: API client told of a referral of invisible ${lead.label}`);
      }
      if (viewer.kind === 'user') {
        for (const r of mine) {
          // A referral whose lead the user can no longer see may be listed (lead: null) or left out.
          if (world.oracle.canSee(viewer, world.lead(r.leadId)) && !got.some((n) => n.id === r.id)) {
            out.push(`${tag}: referral of ${world.lead(r.leadId).label} missing`);
          }
        }
      }
      if (conn.totalCount !== got.length) out.push(`${tag}: totalCount ${conn.totalCount} ≠ ${got.length}`);
      out.push(...checkNoSecrets(world, viewer, res.body, tag));
    }
  }
  return out;
}

export async function checkStats(world: LeadWorld, viewer: Actor): Promise<Mismatches> {
  const out: Mismatches = [];
  const year = shanghaiYear(new Date());
  for (const groupBy of ['DISTRICT', 'ZONE'] as const) {
    const res = await world.t.gql(
      `query($y: Int!, $g: LeadStatsGroupBy!) { leadStats(year: $y, groupBy: $g) { unit { code } year newLeads signed landed signedInvestment expectedJobs } }`,
      { y: year, g: groupBy },
      viewer.auth,
    );
    const tag = `${viewer.name} leadStats(${groupBy})`;
    if (res.body.errors) {
      if (viewer.kind === 'api' && res.body.errors.every((e) => e.extensions?.code === 'FORBIDDEN')) continue;
      out.push(`${tag}: ${JSON.stringify(res.body.errors).slice(0, 300)}`);
      continue;
    }
    const rows: any[] = res.body.data!.leadStats;
    const units = world.oracle.statsUnits(viewer, groupBy);
    for (const r of rows) if (!units.includes(r.unit.code)) out.push(`${tag}: row for ${r.unit.code} outside the caller's subtree`);
    for (const u of units) {
      const inUnit = [...world.leads.values()].filter(
        (l) => world.oracle.canSee(viewer, l) && world.tree.isSelfOrAncestor(u, l.owner),
      );
      const signed = inUnit.filter((l) => l.signedAt && shanghaiYear(l.signedAt) === year);
      const want = {
        newLeads: inUnit.filter((l) => shanghaiYear(l.createdAt) === year).length,
        signed: signed.length,
        landed: inUnit.filter((l) => l.landedAt && shanghaiYear(l.landedAt) === year).length,
        signedInvestment: signed.reduce((s, l) => s + cents(l.investmentAmount), 0),
        expectedJobs: signed.reduce((s, l) => s + (l.expectedJobs ?? 0), 0),
      };
      const row = rows.find((r) => r.unit.code === u);
      const got = row
        ? { newLeads: row.newLeads, signed: row.signed, landed: row.landed, signedInvestment: cents(row.signedInvestment), expectedJobs: row.expectedJobs }
        : { newLeads: 0, signed: 0, landed: 0, signedInvestment: 0, expectedJobs: 0 };
      if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${tag} ${u}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  return out;
}

export async function forEachViewer(viewers: Actor[], fn: (v: Actor) => Promise<Mismatches>): Promise<Mismatches> {
  return (await pMap(viewers, 3, fn)).flat();
}
