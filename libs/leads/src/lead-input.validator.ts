import { Injectable } from '@nestjs/common';
import { CONTROL_CHARS, FieldErrors } from '@zs/common';
import { CodeItemService, CodeKind } from '@zs/codes';
import { normaliseInvestorName } from './domain/investor-name';
import { usccProblem } from './domain/uscc';
import type { LeadContact } from './lead.entity';
import type { ContactInput, CreateLeadInput, InvestorInput, UpdateLeadInput } from './dto/lead.input';

/** The active codes of the kinds a lead uses, loaded once for a batch (import) instead of per row. */
export type ActiveCodeTables = Map<CodeKind, Set<string>>;
export const LEAD_CODE_KINDS = [CodeKind.INDUSTRY, CodeKind.CAPITAL_SOURCE, CodeKind.ATTRACTION_MODE];
export type CreateFields = Required<Pick<LeadFields, 'title' | 'industryCode'>> & LeadFields;

/** Column values a create or update writes; a key that is absent is left unchanged by an update. */
export interface LeadFields {
  title?: string;
  summary?: string | null;
  description?: string | null;
  industryCode?: string;
  capitalSourceCode?: string | null;
  attractionModeCodes?: string[];
  investorName?: string;
  investorNameNorm?: string;
  investorUscc?: string | null;
  investorCountry?: string | null;
  investmentAmount?: string | null;
  landAreaMu?: string | null;
  factoryAreaSqm?: string | null;
  expectedJobs?: number | null;
  expectedAnnualOutput?: string | null;
  expectedAnnualTax?: string | null;
  expectedLandingDate?: string | null;
  contacts?: LeadContact[];
}

const DECIMAL_2 = /^(\d{1,14})(\.\d{1,2})?$/;
/** Integer digits each amount column holds (numeric(16,2) by default, 亩 numeric(12,2), m² numeric(14,2)). */
const INTEGER_DIGITS: Record<string, number> = { landAreaMu: 10, factoryAreaSqm: 12 };
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PHONE = /^[0-9+\-() ]{3,30}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;


function has<K extends string>(o: object, key: K): o is Record<K, unknown> {
  return Object.prototype.hasOwnProperty.call(o, key) && (o as Record<string, unknown>)[key] !== undefined;
}

@Injectable()
export class LeadInputValidator {
  constructor(private readonly codes: CodeItemService) {}

  /** Validates a whole create input; every problem is reported with its path, nothing is written. */
  async forCreate(input: CreateLeadInput): Promise<CreateFields> {
    const errors = new FieldErrors();
    const fields = await this.collect(errors, input, true);
    errors.throwIfAny();
    return fields as CreateFields;
  }

  /** The active codes of LEAD_CODE_KINDS, for checkCreate over many rows. */
  async loadCodeTables(): Promise<ActiveCodeTables> {
    const lists = await Promise.all(LEAD_CODE_KINDS.map((k) => this.codes.list(k)));
    return new Map(LEAD_CODE_KINDS.map((k, i) => [k, new Set(lists[i].map((c) => c.code))]));
  }

  /** forCreate's validation (the same collect) against preloaded code tables; errors returned, not thrown. */
  async checkCreate(input: CreateLeadInput, tables: ActiveCodeTables): Promise<{ fields: CreateFields; errors: FieldErrors }> {
    const errors = new FieldErrors();
    const fields = await this.collect(errors, input, true, tables);
    return { fields: fields as CreateFields, errors };
  }

  async forUpdate(input: UpdateLeadInput): Promise<LeadFields> {
    const errors = new FieldErrors();
    const fields = await this.collect(errors, input, false);
    errors.throwIfAny();
    return fields;
  }

  private async collect(
    errors: FieldErrors,
    input: CreateLeadInput | UpdateLeadInput,
    create: boolean,
    tables?: ActiveCodeTables,
  ): Promise<LeadFields> {
    const out: LeadFields = {};
    const base = 'input';
    // Same message as CodeItemService.validateActive; a batch checks its preloaded tables instead of the database.
    const validateActive = async (kind: CodeKind, entries: { path: string; code: string }[]): Promise<void> => {
      if (!tables) return this.codes.validateActive(errors, kind, entries);
      for (const e of entries) if (!tables.get(kind)?.has(e.code)) errors.add(e.path, `is not an active ${kind} code`);
    };

    const text = (key: string, value: unknown, min: number, max: number, nullable: boolean): string | null | undefined => {
      const path = `${base}.${key}`;
      if (value === null) {
        if (!nullable) errors.add(path, 'cannot be null');
        return null;
      }
      if (typeof value !== 'string') {
        errors.add(path, 'must be a string');
        return undefined;
      }
      const v = value.trim();
      if (CONTROL_CHARS.test(v)) errors.add(path, 'contains control characters');
      if (v.length < min || v.length > max) errors.add(path, min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`);
      if (nullable && v.length === 0) return null;
      return v;
    };
    const decimal = (key: string, value: unknown): string | null | undefined => {
      const path = `${base}.${key}`;
      if (value === null) return null;
      const digits = INTEGER_DIGITS[key] ?? 14;
      const m = typeof value === 'string' ? DECIMAL_2.exec(value.trim()) : null;
      if (!m || m[1].length > digits) {
        errors.add(path, `must be a number ≥ 0 with at most 2 decimals and ${digits} integer digits`);
        return undefined;
      }
      return m[0];
    };

    if (has(input, 'title')) out.title = text('title', input.title, 2, 200, false) ?? undefined;
    if (has(input, 'summary')) out.summary = text('summary', input.summary, 0, 1000, true);
    if (has(input, 'description')) out.description = text('description', input.description, 0, 20000, true);

    const codeChecks: Promise<void>[] = [];
    if (has(input, 'industryCode')) {
      if (input.industryCode === null) errors.add(`${base}.industryCode`, 'cannot be null');
      else {
        out.industryCode = String(input.industryCode);
        codeChecks.push(
          validateActive(CodeKind.INDUSTRY, [{ path: `${base}.industryCode`, code: out.industryCode }]),
        );
      }
    }
    if (has(input, 'capitalSourceCode')) {
      out.capitalSourceCode = input.capitalSourceCode === null ? null : String(input.capitalSourceCode);
      if (out.capitalSourceCode) {
        codeChecks.push(
          validateActive(CodeKind.CAPITAL_SOURCE, [
            { path: `${base}.capitalSourceCode`, code: out.capitalSourceCode },
          ]),
        );
      }
    }
    if (has(input, 'attractionModeCodes')) {
      const modes = input.attractionModeCodes ?? [];
      if (modes.length > 7) errors.add(`${base}.attractionModeCodes`, 'at most 7 modes');
      out.attractionModeCodes = [...new Set(modes)];
      codeChecks.push(
        validateActive(
          CodeKind.ATTRACTION_MODE,
          modes.slice(0, 7).map((code, i) => ({ path: `${base}.attractionModeCodes.${i}`, code })),
        ),
      );
    }

    if (has(input, 'investor')) {
      if (input.investor === null) errors.add(`${base}.investor`, 'cannot be null');
      else Object.assign(out, this.investor(errors, input.investor as InvestorInput, `${base}.investor`));
    }

    if (has(input, 'investmentAmount')) out.investmentAmount = decimal('investmentAmount', input.investmentAmount);
    if (has(input, 'landAreaMu')) out.landAreaMu = decimal('landAreaMu', input.landAreaMu);
    if (has(input, 'factoryAreaSqm')) out.factoryAreaSqm = decimal('factoryAreaSqm', input.factoryAreaSqm);
    if (has(input, 'expectedAnnualOutput')) out.expectedAnnualOutput = decimal('expectedAnnualOutput', input.expectedAnnualOutput);
    if (has(input, 'expectedAnnualTax')) out.expectedAnnualTax = decimal('expectedAnnualTax', input.expectedAnnualTax);
    if (has(input, 'expectedJobs')) {
      const v = input.expectedJobs;
      if (v !== null && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 10_000_000)) {
        errors.add(`${base}.expectedJobs`, 'must be a whole number from 0 to 10000000');
      } else out.expectedJobs = v as number | null;
    }
    if (has(input, 'expectedLandingDate')) {
      out.expectedLandingDate = this.date(errors, input.expectedLandingDate, `${base}.expectedLandingDate`);
    }
    if (has(input, 'contacts')) out.contacts = this.contacts(errors, input.contacts ?? [], `${base}.contacts`);

    if (create) {
      if (out.title === undefined && !has(input, 'title')) errors.add(`${base}.title`, 'is required');
      if (!has(input, 'industryCode')) errors.add(`${base}.industryCode`, 'is required');
      if (!has(input, 'investor')) errors.add(`${base}.investor`, 'is required');
    }
    await Promise.all(codeChecks);
    return out;
  }

  private investor(errors: FieldErrors, inv: InvestorInput, path: string): LeadFields {
    const out: LeadFields = {};
    if (typeof inv.name !== 'string' || inv.name.trim().length < 1 || inv.name.trim().length > 200) {
      errors.add(`${path}.name`, 'must be 1 to 200 characters');
    } else if (CONTROL_CHARS.test(inv.name)) {
      errors.add(`${path}.name`, 'contains control characters');
    } else {
      out.investorName = inv.name.trim();
      out.investorNameNorm = normaliseInvestorName(out.investorName).slice(0, 200);
      if (out.investorNameNorm.length === 0) errors.add(`${path}.name`, 'must contain more than a legal-form suffix');
    }
    if (inv.uscc === null || inv.uscc === undefined || inv.uscc.trim() === '') {
      out.investorUscc = null;
    } else {
      const uscc = inv.uscc.trim().toUpperCase();
      const problem = usccProblem(uscc);
      if (problem) errors.add(`${path}.uscc`, problem);
      else out.investorUscc = uscc;
    }
    if (inv.countryOrRegion === null || inv.countryOrRegion === undefined || inv.countryOrRegion.trim() === '') {
      out.investorCountry = null;
    } else if (inv.countryOrRegion.trim().length > 100 || CONTROL_CHARS.test(inv.countryOrRegion)) {
      errors.add(`${path}.countryOrRegion`, 'must be at most 100 characters');
    } else {
      out.investorCountry = inv.countryOrRegion.trim();
    }
    return out;
  }

  private date(errors: FieldErrors, value: unknown, path: string): string | null | undefined {
    if (value === null) return null;
    const m = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null;
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const dt = new Date(Date.UTC(y, mo - 1, d));
      if (y >= 2000 && y <= 2100 && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d) return m[0];
    }
    errors.add(path, 'must be a date YYYY-MM-DD between 2000 and 2100');
    return undefined;
  }

  private contacts(errors: FieldErrors, list: ContactInput[], path: string): LeadContact[] {
    if (list.length > 20) {
      errors.add(path, 'at most 20 contacts');
      return [];
    }
    return list.map((c, i): LeadContact => {
      const p = `${path}.${i}`;
      const opt = (key: keyof ContactInput, max: number, pattern?: RegExp): string | null => {
        const v = c[key];
        if (v === null || v === undefined || v.trim() === '') return null;
        if (v.trim().length > max || CONTROL_CHARS.test(v) || (pattern && !pattern.test(v.trim()))) {
          errors.add(`${p}.${key}`, pattern ? 'is not valid' : `must be at most ${max} characters`);
        }
        return v.trim();
      };
      if (typeof c.name !== 'string' || c.name.trim().length < 1 || c.name.trim().length > 50 || CONTROL_CHARS.test(c.name)) {
        errors.add(`${p}.name`, 'must be 1 to 50 characters');
      }
      return {
        name: typeof c.name === 'string' ? c.name.trim() : '',
        title: opt('title', 50),
        phone: opt('phone', 30, PHONE),
        email: opt('email', 254, EMAIL),
      };
    });
  }
}

