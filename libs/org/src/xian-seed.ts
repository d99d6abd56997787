import { OrgTier } from './org-unit.entity';

export interface SeedUnit {
  code: string;
  name: string;
  tier: OrgTier;
  parentCode: string | null;
  leadingIndustryCodes: string[];
}

export const XIAN_CITY_CODE = '610100';

/** GB/T 2260 county-level units of 西安市. */
export const XIAN_DISTRICTS: [string, string][] = [
  ['610102', '新城区'],
  ['610103', '碑林区'],
  ['610104', '莲湖区'],
  ['610111', '灞桥区'],
  ['610112', '未央区'],
  ['610113', '雁塔区'],
  ['610114', '阎良区'],
  ['610115', '临潼区'],
  ['610116', '长安区'],
  ['610117', '高陵区'],
  ['610118', '鄠邑区'],
  ['610122', '蓝田县'],
  ['610124', '周至县'],
];

// Sample zones for demos; a deployment loads its own list with `org-units:create`.
const ZONES: [code: string, name: string, parent: string, industries: string[]][] = [
  ['610100-GX', '西安高新技术产业开发区', XIAN_CITY_CODE, ['IC', 'SOFTWARE']],
  ['610100-JK', '西安经济技术开发区', XIAN_CITY_CODE, ['NEV', 'ADVANCED_EQUIPMENT']],
  ['610100-HT', '西安航天基地', XIAN_CITY_CODE, ['AEROSPACE', 'PV_ENERGY']],
  ['610103-Z1', '碑林环大学创新产业带', '610103', ['SOFTWARE', 'ELECTRONICS']],
  ['610104-Z1', '莲湖都市工业园', '610104', ['BIOMEDICINE', 'ELECTRONICS']],
  ['610111-Z1', '灞桥工业集中区', '610111', ['NEW_MATERIALS', 'FOOD']],
  ['610112-Z1', '未央工业集中区', '610112', ['ADVANCED_EQUIPMENT', 'MODERN_LOGISTICS']],
  ['610113-Z1', '雁塔科技产业园', '610113', ['SOFTWARE', 'PHOTONICS']],
  ['610114-Z1', '阎良航空产业园', '610114', ['AVIATION', 'ADVANCED_EQUIPMENT']],
  ['610114-Z2', '阎良关山工业园', '610114', ['FOOD', 'NEW_MATERIALS']],
  ['610115-Z1', '临潼现代工业组团', '610115', ['NEW_MATERIALS', 'BIOMEDICINE']],
  ['610115-Z2', '临潼新丰工业园', '610115', ['FOOD', 'BUILDING_MATERIALS']],
  ['610116-Z1', '长安工业集中区', '610116', ['ELECTRONICS', 'PHOTONICS']],
  ['610116-Z2', '长安大学城科创园', '610116', ['SOFTWARE', 'IC']],
  ['610117-Z1', '高陵泾河工业园', '610117', ['NEV', 'ADVANCED_EQUIPMENT']],
  ['610117-Z2', '高陵先进制造业园', '610117', ['NEV', 'NEW_MATERIALS']],
  ['610118-Z1', '鄠邑工业集中区', '610118', ['FOOD', 'BUILDING_MATERIALS']],
  ['610122-Z1', '蓝田工业集中区', '610122', ['FOOD', 'CULTURE_TOURISM']],
  ['610124-Z1', '周至集贤产业园', '610124', ['MODERN_AGRICULTURE', 'FOOD']],
];

export const XIAN_SEED: SeedUnit[] = [
  { code: XIAN_CITY_CODE, name: '西安市', tier: OrgTier.CITY, parentCode: null, leadingIndustryCodes: [] },
  ...XIAN_DISTRICTS.map(([code, name]) => ({
    code,
    name,
    tier: OrgTier.DISTRICT,
    parentCode: XIAN_CITY_CODE,
    leadingIndustryCodes: [],
  })),
  ...ZONES.map(([code, name, parentCode, leadingIndustryCodes]) => ({
    code,
    name,
    tier: OrgTier.ZONE,
    parentCode,
    leadingIndustryCodes,
  })),
];
