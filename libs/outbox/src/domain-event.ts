/** Every kind of domain event; consumers (search indexing, notifications) switch on these. */
export enum DomainEventType {
  LeadCreated = 'lead.created',
  LeadUpdated = 'lead.updated',
  LeadStageChanged = 'lead.stage_changed',
  LeadShared = 'lead.shared',
  LeadReferred = 'lead.referred',
  ReferralAnswered = 'lead.referral_answered',
  ReferralWithdrawn = 'lead.referral_withdrawn',
  LeadAssigned = 'lead.assigned',
  LeadActivityAdded = 'lead.activity_added',
  ConflictDetected = 'lead.conflict_detected',
  ConflictResolved = 'lead.conflict_resolved',
}

export interface DomainEvent {
  type: DomainEventType;
  leadId: string | null;
  actorKind: 'user' | 'apiClient' | 'system';
  actorId: string | null;
  /** Ids and changed values only; consumers reload current state before acting. */
  payload: Record<string, unknown>;
}
