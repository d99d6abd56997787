import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, type FieldError, ValidationException } from '@zs/common';
import { LeadInputValidator, type CreateFields } from './lead-input.validator';
import type { SharingScope } from './lead.entity';
import { MAX_CODE_ATTEMPTS, randomLeadCode } from './domain/lead-code';
import { ConflictService } from './conflicts/conflict.service';
import { InvestorProbeLimiter } from './investor-probe-limiter';
import { LeadBatchRepository } from './lead-batch.repository';
import { createdChanges, createdPayload, defaultScope, newLeadRow, requireLeadCreator } from './lead-create';
import type { CreateLeadInput } from './dto/lead.input';

/** A row that passed createLead's validation, ready for write(). */
export interface BatchLead {
  fields: CreateFields;
  scope: SharingScope;
}

export type BatchCheck = { ok: true; lead: BatchLead } | { ok: false; errors: FieldError[] };

/**
 * createLead for many rows at once (the import): the same validation (LeadInputValidator with the code
 * tables loaded once), the same lead, CREATED history, lead.created event and conflict detection, but
 * one statement per table per chunk. write() runs in the caller's transaction, so every lead commits
 * with its history and event or not at all. Conflicts: one statement finds the rows that have an open
 * lead of another unit with their investor; only those run createLead's detection (ConflictService),
 * row by row in file order, so cases, merges, history and events are those of createLead one by one.
 * Rows of one batch share the owner unit, and detection only matches other units' leads, so a row
 * never matches another row of its batch directly; they meet in a case through another unit's lead.
 */
@Injectable()
export class LeadBatchCreateService {
  constructor(
    private readonly validator: LeadInputValidator,
    private readonly batch: LeadBatchRepository,
    private readonly conflicts: ConflictService,
    private readonly probes: InvestorProbeLimiter,
  ) {}

  /** createLead's permission check and validation for every input; each bad one with all its field errors. */
  async check(actor: Actor, inputs: CreateLeadInput[]): Promise<BatchCheck[]> {
    requireLeadCreator(actor);
    const tables = await this.validator.loadCodeTables();
    const out: BatchCheck[] = [];
    for (const input of inputs) {
      const { fields, errors } = await this.validator.checkCreate(input, tables);
      if (!errors.any) {
        out.push({ ok: true, lead: { fields, scope: defaultScope(input.sharingScope) } });
        continue;
      }
      try {
        errors.throwIfAny();
      } catch (e) {
        if (!(e instanceof ValidationException)) throw e;
        out.push({ ok: false, errors: e.fields });
      }
    }
    return out;
  }

  /** Counts the investor look-ups of `n` new leads (createLead counts one each) before any is written. */
  countLookups(actor: Actor, n: number): Promise<void> {
    return n > 0 ? this.probes.consume(actor, Date.now(), n) : Promise.resolve();
  }

  /** Writes checked leads in `tx` (one chunk); returns their ids in input order. */
  async write(tx: EntityManager, actor: Actor, leads: BatchLead[]): Promise<string[]> {
    if (leads.length === 0) return [];
    requireLeadCreator(actor);
    await this.batch.lockInvestors(
      tx,
      leads.flatMap(({ fields }) => [`name:${fields.investorNameNorm!}`, ...(fields.investorUscc ? [`uscc:${fields.investorUscc}`] : [])]),
    );
    const year = new Date().getFullYear();
    const rows = leads.map((l) => ({ ...newLeadRow(actor, l.fields, l.scope), id: randomUUID(), code: '' }));
    // Codes drawn as insertWithCode draws them: a row whose code is taken tries again with its next attempt.
    let pending = rows.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_CODE_ATTEMPTS) throw new Error(`No free lead code for ${year} after ${MAX_CODE_ATTEMPTS} attempts`);
      for (const i of pending) rows[i] = { ...rows[i], id: randomUUID(), code: randomLeadCode(year, attempt) };
      const inserted = await this.batch.insertLeads(tx, pending.map((i) => rows[i]));
      pending = pending.filter((i) => !inserted.has(rows[i].id));
    }
    await this.batch.insertCreatedHistory(
      tx,
      actor,
      leads.map((l, i) => ({ leadId: rows[i].id, changes: createdChanges(l.fields, l.scope) })),
    );
    await this.batch.insertCreatedEvents(
      tx,
      actor,
      leads.map((l, i) => ({ leadId: rows[i].id, payload: createdPayload(actor, rows[i].code, l.scope) })),
    );
    const subjects = leads.map((l) => ({ nameNorm: l.fields.investorNameNorm!, uscc: l.fields.investorUscc ?? null }));
    for (const i of await this.batch.withCandidates(tx, actor.unitId, subjects)) {
      await this.conflicts.detect(tx, actor, {
        id: rows[i].id,
        ownerUnitId: actor.unitId,
        ownerPath: actor.unitPath,
        investorNameNorm: subjects[i].nameNorm,
        investorUscc: subjects[i].uscc,
      });
    }
    return rows.map((r) => r.id);
  }
}
