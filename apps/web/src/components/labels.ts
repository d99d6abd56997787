// Chinese/English names of the api's enums the pages show (the api's enumLabels covers stages and roles
// too; these keep first paint free of a round trip).
import type { Lang } from '../i18n';

type Labels = Record<string, { zh: string; en: string }>;

export const STAGE_LABELS: Labels = {
  LEAD: { zh: '线索', en: 'Lead' },
  NEGOTIATING: { zh: '洽谈', en: 'Negotiating' },
  SIGNED: { zh: '签约', en: 'Signed' },
  LANDED: { zh: '落地', en: 'Landed' },
  OPERATING: { zh: '投产', en: 'Operating' },
  ON_HOLD: { zh: '搁置', en: 'On hold' },
  LOST: { zh: '终止', en: 'Lost' },
};

export const SCOPE_LABELS: Labels = {
  PRIVATE: { zh: '本单位', en: 'Private' },
  DISTRICT: { zh: '区县内共享', en: 'District' },
  CITY: { zh: '全市共享', en: 'City-wide' },
  PUBLIC: { zh: '公开', en: 'Public' },
};

export const REFERRAL_STATUS_LABELS: Labels = {
  PENDING: { zh: '待处理', en: 'Pending' },
  ACCEPTED: { zh: '已接收', en: 'Accepted' },
  DECLINED: { zh: '已拒绝', en: 'Declined' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

export function label(labels: Labels, value: string, lang: Lang): string {
  return labels[value]?.[lang] ?? value;
}

/** Open stages: still being pursued. */
export const OPEN_STAGES = ['LEAD', 'NEGOTIATING', 'SIGNED'] as const;
