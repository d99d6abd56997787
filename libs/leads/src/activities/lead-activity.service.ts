import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type Actor, CONTROL_CHARS, FieldErrors, AccessDeniedException, EntityNotFoundException, isUuid } from '@zs/common';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadRepository } from '../lead.repository';
import { requireLeadsWrite } from '../write-scope';
import { LeadActivityRepository } from './lead-activity.repository';
import type { LeadActivityEntity } from './lead-activity.entity';
import type { VisibleLead } from '../lead.entity';
import type { LeadActivityInput } from '../dto/lead-activity.input';


@Injectable()
export class LeadActivityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly activities: LeadActivityRepository,
    private readonly leads: LeadRepository,
    private readonly outbox: OutboxService,
  ) {}

  async add(actor: Actor, leadId: string, input: LeadActivityInput): Promise<LeadActivityEntity> {
    const errors = new FieldErrors();
    const summary = input.summary.trim();
    if (summary.length < 1 || summary.length > 2000 || CONTROL_CHARS.test(summary)) {
      errors.add('input.summary', 'must be 1 to 2000 characters');
    }
    const participants = (input.participants ?? []).map((p) => p.trim()).filter((p) => p.length > 0);
    if (participants.length > 50) errors.add('input.participants', 'at most 50 participants');
    participants.forEach((p, i) => {
      if (p.length > 100 || CONTROL_CHARS.test(p)) errors.add(`input.participants.${i}`, 'must be at most 100 characters');
    });
    const at = input.occurredAt;
    const latest = Date.now() + 366 * 86400_000;
    if (!(at instanceof Date) || Number.isNaN(at.getTime()) || at.getUTCFullYear() < 2000 || at.getTime() > latest) {
      errors.add('input.occurredAt', 'must be a time between 2000 and one year from now');
    }
    errors.throwIfAny();
    if (!isUuid(leadId)) throw new EntityNotFoundException('Lead');

    return this.db.transaction(async (tx) => {
      const lead = await this.leads.lockVisible(actor, leadId, tx);
      if (!lead) throw new EntityNotFoundException('Lead');
      requireLeadsWrite(actor);
      if (!lead.canEdit) {
        throw new AccessDeniedException('You may not record activities on this lead');
      }
      const activity = await this.activities.insert(tx, {
        leadId: lead.id,
        kind: input.kind,
        occurredAt: at,
        summary,
        participants,
        createdByKind: actor.kind,
        createdById: actor.id,
      });
      await this.leads.insertHistory(tx, lead.id, 'ACTIVITY_ADDED', actor, [
        { field: 'activities', oldValue: null, newValue: input.kind },
      ]);
      await this.outbox.record(tx, actor, DomainEventType.LeadActivityAdded, lead.id, { activityId: activity.id, kind: input.kind });
      return activity;
    });
  }

  /**
   * Activities of a lead as read by the caller it was loaded for: `lead.detail` comes from the
   * visibility predicates, so only the owner and assigned chains get a page; everyone else null.
   */
  async pageFor(lead: VisibleLead, limit: number, after: [string, string] | null) {
    return lead.detail ? this.activities.pageForLead(lead.id, limit, after) : null;
  }
}
