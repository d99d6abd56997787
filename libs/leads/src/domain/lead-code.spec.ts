import { MAX_CODE_ATTEMPTS, SHORT_CODE_ATTEMPTS, randomLeadCode } from './lead-code';

describe('randomLeadCode', () => {
  it('keeps the published shape XA-<year>-<6 digits>, zero-padded', () => {
    expect(randomLeadCode(2026, 0, () => 42)).toBe('XA-2026-000042');
    expect(randomLeadCode(2026, 0, (max) => max - 1)).toBe('XA-2026-999999');
    for (let i = 0; i < 200; i++) expect(randomLeadCode(2026)).toMatch(/^XA-2026-\d{6}$/);
  });

  it('widens to 8 digits after the short attempts, before giving up', () => {
    expect(SHORT_CODE_ATTEMPTS).toBeLessThan(MAX_CODE_ATTEMPTS);
    expect(randomLeadCode(2026, SHORT_CODE_ATTEMPTS, () => 7)).toBe('XA-2026-00000007');
  });

  it('draws from the whole space: 2,000 codes are neither ordered nor clustered', () => {
    const nums = Array.from({ length: 2000 }, () => Number(randomLeadCode(2026).slice(-6)));
    expect(new Set(nums).size).toBeGreaterThan(1990);
    const ascending = nums.filter((v, i) => i > 0 && v === nums[i - 1] + 1).length;
    expect(ascending).toBeLessThan(3);
    const low = nums.filter((v) => v < 500000).length;
    expect(low).toBeGreaterThan(850);
    expect(low).toBeLessThan(1150);
  });
});
