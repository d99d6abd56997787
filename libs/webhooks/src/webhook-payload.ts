import type { ApiClientActor } from '@zs/common';
import type { VisibleLead } from '@zs/leads';
import type { OrgUnitEntity } from '@zs/org';
import type { Subscriber } from './webhook.repository';
import { WebhookEventType } from './webhook-event-type';

/** The API client behind a webhook, as the actor the lead visibility rule (leadAccess) is applied to. */
export function clientActor(s: Subscriber): ApiClientActor {
  return {
    kind: 'apiClient',
    id: s.clientId,
    name: s.clientName,
    scopes: s.scopes,
    rateLimitPerMinute: s.rateLimitPerMinute,
    unitId: s.unitId,
    unitPath: s.unitPath,
    unitTier: s.unitTier,
  };
}

type UnitRef = { id: string; code: string; name: string } | null;

function unitRef(units: ReadonlyMap<string, OrgUnitEntity>, id: string | null | undefined): UnitRef {
  const u = id ? units.get(id) : undefined;
  return u ? { id: u.id, code: u.code, name: u.name } : null;
}

/** History fields whose values API clients never read (lead-visibility SENSITIVE_HISTORY_FIELDS). */
const WITHHELD_FIELDS = new Set(['contacts', 'investor.uscc']);

/**
 * The lead as the client reads it through the Lead GraphQL type, from the row the visibility rule
 * returned for that client (sensitive columns already NULL outside the owner and assigned chains):
 * no contacts, no people (createdBy), no activities or conflicts; the USCC only where `detail`.
 */
export function leadData(lead: VisibleLead, units: ReadonlyMap<string, OrgUnitEntity>): Record<string, unknown> {
  return {
    id: lead.id,
    code: lead.code,
    title: lead.title,
    summary: lead.summary,
    description: lead.description,
    industryCode: lead.industryCode,
    capitalSourceCode: lead.capitalSourceCode,
    attractionModeCodes: lead.attractionModeCodes,
    investor: {
      name: lead.investorName,
      uscc: lead.detail ? lead.investorUscc : null,
      countryOrRegion: lead.investorCountry,
    },
    investmentAmount: lead.investmentAmount,
    landAreaMu: lead.landAreaMu,
    factoryAreaSqm: lead.factoryAreaSqm,
    expectedJobs: lead.expectedJobs,
    expectedAnnualOutput: lead.expectedAnnualOutput,
    expectedAnnualTax: lead.expectedAnnualTax,
    expectedLandingDate: lead.expectedLandingDate,
    stage: lead.stage,
    stageBeforeHold: lead.stageBeforeHold,
    lostReasonCode: lead.lostReasonCode,
    sharingScope: lead.sharingScope,
    ownerUnit: unitRef(units, lead.ownerUnitId),
    landingUnit: unitRef(units, lead.landingUnitId),
    version: lead.version,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
    signedAt: lead.signedAt,
    landedAt: lead.landedAt,
  };
}

/** Unit ids the data of this event names (owner, landing, assigned unit). */
export function unitIdsOf(lead: VisibleLead, payload: Record<string, unknown>): string[] {
  const ids = [lead.ownerUnitId, lead.landingUnitId, typeof payload.unitId === 'string' ? payload.unitId : null];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/**
 * What changed, from the event's payload, limited to what the Lead type shows an API client:
 * stage and scope moves, the names of edited fields (values withheld where sensitive), the
 * assigned unit. Referral ids and the acting person are left out.
 */
export function changeData(
  type: WebhookEventType,
  payload: Record<string, unknown>,
  units: ReadonlyMap<string, OrgUnitEntity>,
): Record<string, unknown> | null {
  switch (type) {
    case WebhookEventType.LEAD_STAGE_CHANGED:
    case WebhookEventType.LEAD_SHARED:
      return { from: payload.from ?? null, to: payload.to ?? null };
    case WebhookEventType.LEAD_UPDATED: {
      const fields = Array.isArray(payload.fields) ? payload.fields.filter((f): f is string => typeof f === 'string') : [];
      return { fields: fields.filter((f) => !WITHHELD_FIELDS.has(f)) };
    }
    case WebhookEventType.LEAD_ASSIGNED:
      return { unit: unitRef(units, typeof payload.unitId === 'string' ? payload.unitId : null) };
    case WebhookEventType.LEAD_CREATED:
    case WebhookEventType.LEAD_REFERRED:
    case WebhookEventType.LEAD_REFERRAL_ANSWERED:
    case WebhookEventType.LEAD_REFERRAL_WITHDRAWN:
      return null;
  }
}
