import { normaliseInvestorName } from './investor-name';

describe('normaliseInvestorName', () => {
  it.each([
    ['华为技术有限公司', '华为技术（中国）有限公司'],
    ['比亚迪股份有限公司', '比亚迪'],
    ['隆基绿能科技股份有限公司', '隆基绿能科技集团'],
    ['ＡＢＣ　Ｃｏｒｐ', 'abc corp.'],
    ['Siemens AG', 'SIEMENS'],
    ['Tesla, Inc.', 'tesla'],
    ['Foxconn (China) Co., Ltd.', 'FOXCONN'],
  ])('treats %s and %s as the same investor', (a, b) => {
    expect(normaliseInvestorName(a)).toBe(normaliseInvestorName(b));
  });

  it('keeps different investors apart', () => {
    expect(normaliseInvestorName('华为技术有限公司')).not.toBe(normaliseInvestorName('华为终端有限公司'));
    expect(normaliseInvestorName('中国石油天然气集团')).not.toBe(normaliseInvestorName('中国石化集团'));
  });

  it('does not strip a name down to nothing', () => {
    expect(normaliseInvestorName('有限公司')).toBe('有限公司');
    expect(normaliseInvestorName('集团')).toBe('集团');
  });
});
