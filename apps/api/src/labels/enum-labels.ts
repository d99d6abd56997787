import { ApiScope, Role } from '@zs/common';
import { LeadStage } from '@zs/leads';
import { LabeledEnum } from './enum-label.model';

type Labels<E extends string> = Record<E, { en: string; zh: string }>;

// Records keyed by the enums themselves: a new value without labels does not compile.
const STAGES: Labels<LeadStage> = {
  [LeadStage.LEAD]: { en: 'Lead', zh: '线索' },
  [LeadStage.NEGOTIATING]: { en: 'Negotiating', zh: '洽谈' },
  [LeadStage.SIGNED]: { en: 'Signed', zh: '签约' },
  [LeadStage.LANDED]: { en: 'Landed', zh: '落地' },
  [LeadStage.OPERATING]: { en: 'Operating', zh: '投产' },
  [LeadStage.ON_HOLD]: { en: 'On hold', zh: '暂缓' },
  [LeadStage.LOST]: { en: 'Lost', zh: '流失' },
};

const ROLES: Labels<Role> = {
  [Role.ADMIN]: { en: 'Administrator', zh: '管理员' },
  [Role.MANAGER]: { en: 'Manager', zh: '负责人' },
  [Role.OFFICER]: { en: 'Officer', zh: '招商专员' },
  [Role.VIEWER]: { en: 'Viewer', zh: '查看者' },
};

const SCOPES: Labels<ApiScope> = {
  [ApiScope.LeadsRead]: { en: 'Read leads', zh: '读取线索' },
  [ApiScope.LeadsWrite]: { en: 'Write leads', zh: '写入线索' },
};

export const ENUM_LABELS: Record<LabeledEnum, Labels<string>> = {
  [LabeledEnum.LEAD_STAGE]: STAGES,
  [LabeledEnum.ROLE]: ROLES,
  [LabeledEnum.SCOPE]: SCOPES,
};
