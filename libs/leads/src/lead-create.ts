import { type Actor, AccessDeniedException, Role, roleAtLeast } from '@zs/common';
import type { FieldChange } from './lead.entity';
import { SharingScope } from './lead.entity';
import type { CreateFields, LeadFields } from './lead-input.validator';
import type { NewLead } from './lead.repository';
import { requireLeadsWrite } from './write-scope';

/**
 * What createLead writes for a validated input, shared by LeadService.create and the batch path
 * (LeadBatchCreateService), so a lead imported in a batch is the lead createLead would have made.
 */

/** Entity property → the name a person reads in the history. */
export const HISTORY_NAMES: Partial<Record<keyof LeadFields, string>> = {
  investorName: 'investor.name',
  investorUscc: 'investor.uscc',
  investorCountry: 'investor.countryOrRegion',
};

export function requireLeadCreator(actor: Actor): void {
  requireLeadsWrite(actor);
  if (actor.kind === 'user' && !roleAtLeast(actor.role, Role.OFFICER)) {
    throw new AccessDeniedException('Viewers cannot create leads');
  }
}

export function newLeadRow(actor: Actor, fields: CreateFields, scope: SharingScope): NewLead {
  return {
    ...fields,
    investorName: fields.investorName!,
    investorNameNorm: fields.investorNameNorm!,
    contacts: fields.contacts ?? [],
    attractionModeCodes: fields.attractionModeCodes ?? [],
    sharingScope: scope,
    ownerUnitId: actor.unitId,
    createdByKind: actor.kind,
    createdById: actor.id,
  };
}

/** The CREATED history entry: every field given a value. */
export function createdChanges(fields: CreateFields, scope: SharingScope): FieldChange[] {
  return Object.entries({ ...fields, sharingScope: scope })
    .filter(([k, v]) => k !== 'investorNameNorm' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => ({ field: HISTORY_NAMES[k as keyof LeadFields] ?? k, oldValue: null, newValue: v }));
}

export function createdPayload(actor: Actor, code: string, scope: SharingScope): Record<string, unknown> {
  return { code, ownerUnitId: actor.unitId, sharingScope: scope };
}

export const defaultScope = (scope: SharingScope | null | undefined): SharingScope => scope ?? SharingScope.PRIVATE;
