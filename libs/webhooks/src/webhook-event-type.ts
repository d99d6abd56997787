import { registerEnumType } from '@nestjs/graphql';
import { DomainEventType } from '@zs/outbox';

/**
 * The domain events a partner may subscribe to: the lead events whose content an API client may
 * read through the Lead type. Activities (null for API clients) and conflicts (only the owner and
 * assigned chains know of them) are never sent. The values are the DomainEventType strings, which
 * are also the `type` of the delivered body.
 */
export enum WebhookEventType {
  LEAD_CREATED = 'lead.created',
  LEAD_UPDATED = 'lead.updated',
  LEAD_STAGE_CHANGED = 'lead.stage_changed',
  LEAD_SHARED = 'lead.shared',
  LEAD_REFERRED = 'lead.referred',
  LEAD_REFERRAL_ANSWERED = 'lead.referral_answered',
  LEAD_REFERRAL_WITHDRAWN = 'lead.referral_withdrawn',
  LEAD_ASSIGNED = 'lead.assigned',
}

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'Lead events a webhook can subscribe to; the delivered `type` is the value, e.g. lead.stage_changed',
});

/** The webhook event of a domain event, or null when partners never hear of that kind (switch: a new kind forces a decision). */
export function webhookEventOf(type: DomainEventType): WebhookEventType | null {
  switch (type) {
    case DomainEventType.LeadCreated:
      return WebhookEventType.LEAD_CREATED;
    case DomainEventType.LeadUpdated:
      return WebhookEventType.LEAD_UPDATED;
    case DomainEventType.LeadStageChanged:
      return WebhookEventType.LEAD_STAGE_CHANGED;
    case DomainEventType.LeadShared:
      return WebhookEventType.LEAD_SHARED;
    case DomainEventType.LeadReferred:
      return WebhookEventType.LEAD_REFERRED;
    case DomainEventType.ReferralAnswered:
      return WebhookEventType.LEAD_REFERRAL_ANSWERED;
    case DomainEventType.ReferralWithdrawn:
      return WebhookEventType.LEAD_REFERRAL_WITHDRAWN;
    case DomainEventType.LeadAssigned:
      return WebhookEventType.LEAD_ASSIGNED;
    case DomainEventType.LeadActivityAdded:
    case DomainEventType.ConflictDetected:
    case DomainEventType.ConflictResolved:
    // Matchmaking and target events: internal planning data, not part of the partner contract (yet).
    case DomainEventType.MatchmakingEventCreated:
    case DomainEventType.MatchmakingEventUpdated:
    case DomainEventType.LeadAddedToEvent:
    case DomainEventType.LeadRemovedFromEvent:
    case DomainEventType.LeadSignedAtEvent:
    case DomainEventType.UnitTargetsSet:
      return null;
  }
}
