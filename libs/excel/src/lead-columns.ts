import type { VisibleLead } from '@zs/leads';

/**
 * The lead columns of the template, the import and the export, in order. `input` is the CreateLeadInput
 * path a column feeds (import errors name the header of the path they are about).
 */
export interface LeadColumn {
  header: string;
  note: string;
  input?: string;
  export?: (l: VisibleLead, unitCode: (id: string) => string) => string | number | Date | null;
}

const num = (v: string | null) => (v === null ? null : Number(v));

export const LEAD_COLUMNS: LeadColumn[] = [
  { header: '外部编号', note: '台账中的编号；同一单位再次导入同一编号不会重复创建', input: 'externalRef' },
  { header: '项目编号', note: '平台编号（导出时填写，导入时忽略）', export: (l) => l.code },
  { header: '项目名称', note: '必填，2–200 字', input: 'input.title', export: (l) => l.title },
  { header: '产业', note: '必填，产业代码（下拉选择）', input: 'input.industryCode', export: (l) => l.industryCode },
  { header: '资金来源', note: '资金来源代码（下拉选择）', input: 'input.capitalSourceCode', export: (l) => l.capitalSourceCode },
  { header: '招商方式', note: '招商方式代码，多个用逗号分隔', input: 'input.attractionModeCodes', export: (l) => l.attractionModeCodes.join(',') },
  { header: '投资方名称', note: '必填，企业全称', input: 'input.investor.name', export: (l) => l.investorName },
  { header: '统一社会信用代码', note: '18 位；仅本单位链条可见', input: 'input.investor.uscc', export: (l) => l.investorUscc },
  { header: '国别地区', note: '投资方所在国家或地区', input: 'input.investor.countryOrRegion', export: (l) => l.investorCountry },
  { header: '投资额（万元）', note: '≥ 0，最多两位小数', input: 'input.investmentAmount', export: (l) => num(l.investmentAmount) },
  { header: '预计就业', note: '人数，整数', input: 'input.expectedJobs', export: (l) => l.expectedJobs },
  { header: '预计落地日期', note: 'YYYY-MM-DD', input: 'input.expectedLandingDate', export: (l) => l.expectedLandingDate },
  { header: '项目简介', note: '最多 1000 字', input: 'input.summary', export: (l) => l.summary },
  { header: '联系人', note: '姓名；仅本单位链条可见', input: 'input.contacts.0.name', export: (l) => l.contacts?.[0]?.name ?? null },
  { header: '联系电话', note: '仅本单位链条可见', input: 'input.contacts.0.phone', export: (l) => l.contacts?.[0]?.phone ?? null },
  { header: '阶段', note: '导出时填写，导入的项目均为线索（LEAD）', export: (l) => l.stage },
  { header: '共享范围', note: 'PRIVATE / DISTRICT / CITY / PUBLIC（默认 PRIVATE）', input: 'input.sharingScope', export: (l) => l.sharingScope },
  { header: '所属单位', note: '导出时填写', export: (l, unit) => unit(l.ownerUnitId) },
  { header: '签约时间', note: '导出时填写', export: (l) => l.signedAt },
  { header: '落地时间', note: '导出时填写', export: (l) => l.landedAt },
];

export const EXPORT_COLUMNS = LEAD_COLUMNS.filter((c) => c.export);
export const IMPORT_COLUMNS = LEAD_COLUMNS.filter((c) => c.input);

/** The header an input path is reported under (the nearest column that feeds it or a parent of it). */
export function headerOf(path: string): string | null {
  const exact = IMPORT_COLUMNS.find((c) => c.input === path);
  if (exact) return exact.header;
  const prefix = IMPORT_COLUMNS.find((c) => c.input && (path.startsWith(`${c.input}.`) || c.input.startsWith(`${path}.`)));
  return prefix?.header ?? null;
}
