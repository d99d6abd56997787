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
  // libs/matchmaking: event rows carry no lead (leadId null) but the eventId in the payload.
  MatchmakingEventCreated = 'matchmaking.event_created',
  MatchmakingEventUpdated = 'matchmaking.event_updated',
  LeadAddedToEvent = 'lead.added_to_event',
  LeadRemovedFromEvent = 'lead.removed_from_event',
  LeadSignedAtEvent = 'lead.signed_at_event',
  // libs/targets
  UnitTargetsSet = 'targets.set',
}

export interface DomainEvent {
  type: DomainEventType;
  leadId: string | null;
  actorKind: 'user' | 'apiClient' | 'system';
  actorId: string | null;
  /** Ids and changed values only; consumers reload current state before acting. */
  payload: Record<string, unknown>;
}
