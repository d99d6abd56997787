import { CodeKind } from './code-item.entity';

export interface DefaultCode {
  kind: CodeKind;
  code: string;
  nameZh: string;
  nameEn: string;
}

const table = (kind: CodeKind, rows: [string, string, string][]): DefaultCode[] =>
  rows.map(([code, nameZh, nameEn]) => ({ kind, code, nameZh, nameEn }));

/** Defaults a fresh installation starts with; administrators change them afterwards. */
export const DEFAULT_CODES: DefaultCode[] = [
  // Section 九 of the 2019 action plan names these seven modes.
  ...table(CodeKind.ATTRACTION_MODE, [
    ['ENVIRONMENT', '环境招商', 'Business environment'],
    ['EVENT', '活动招商', 'Events'],
    ['ALUMNI', '校友招商', 'Alumni networks'],
    ['INDUSTRY_CHAIN', '产业招商', 'Industry chain'],
    ['CHAMBER', '商会招商', 'Chambers of commerce'],
    ['CAPITAL', '资本招商', 'Capital'],
    ['MARKET', '市场招商', 'Market'],
  ]),
  // The plan's 紧盯"五资" focus.
  ...table(CodeKind.CAPITAL_SOURCE, [
    ['FOREIGN', '外资', 'Foreign capital'],
    ['CENTRAL_SOE', '央企资本', 'Central state-owned enterprise'],
    ['LOCAL_SOE', '地方国资', 'Local state-owned capital'],
    ['PRIVATE', '民营资本', 'Private capital'],
    ['DOMESTIC_OUT_OF_PROVINCE', '省外内资', 'Domestic capital from outside the province'],
    ['OTHER', '其他', 'Other'],
  ]),
  ...table(CodeKind.INDUSTRY, [
    ['AEROSPACE', '航天', 'Aerospace'],
    ['AVIATION', '航空', 'Aviation'],
    ['NEV', '新能源汽车', 'New-energy vehicles'],
    ['IC', '集成电路', 'Integrated circuits'],
    ['PHOTONICS', '光子', 'Photonics'],
    ['BIOMEDICINE', '生物医药', 'Biomedicine'],
    ['NEW_MATERIALS', '新材料', 'New materials'],
    ['ADVANCED_EQUIPMENT', '高端装备制造', 'Advanced equipment'],
    ['SOFTWARE', '软件和信息服务', 'Software and IT services'],
    ['FOOD', '食品加工', 'Food processing'],
    ['PV_ENERGY', '光伏与新能源', 'Photovoltaics and new energy'],
    ['ELECTRONICS', '电子信息', 'Electronic information'],
    ['MODERN_LOGISTICS', '现代物流', 'Modern logistics'],
    ['CULTURE_TOURISM', '文化旅游', 'Culture and tourism'],
    ['MODERN_AGRICULTURE', '现代农业', 'Modern agriculture'],
    ['BUILDING_MATERIALS', '绿色建材', 'Green building materials'],
  ]),
  ...table(CodeKind.LOST_REASON, [
    ['COMPETITOR_REGION', '投资方选择其他地区', 'Investor chose another region'],
    ['INVESTOR_WITHDREW', '投资方放弃投资', 'Investor withdrew'],
    ['NO_LAND', '土地条件不满足', 'Land not available'],
    ['POLICY_MISMATCH', '政策条件不匹配', 'Policy terms not met'],
    ['INDUSTRY_MISMATCH', '不符合产业定位', 'Does not fit the industry focus'],
    ['FUNDING', '资金未落实', 'Funding not secured'],
    ['OTHER', '其他', 'Other'],
  ]),
];
