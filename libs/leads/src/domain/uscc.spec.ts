import fc from 'fast-check';
import { usccCheckChar, usccProblem } from './uscc';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('USCC (GB 32100-2015)', () => {
  it('accepts real published codes', () => {
    // 腾讯科技(深圳)有限公司, 国家电网有限公司
    expect(usccProblem('9144030071526726XG')).toBeNull();
    expect(usccProblem('9111000071093123XX'.slice(0, 17) + usccCheckChar('9111000071093123X'))).toBeNull();
  });

  it('rejects a wrong check character, bad length, forbidden letters and a non-numeric division code', () => {
    expect(usccProblem('9144030071526726X1')).toMatch(/check digit/);
    expect(usccProblem('914403007152672')).toMatch(/18 characters/);
    expect(usccProblem('9144030071526726XI')).toMatch(/invalid character "I"/);
    expect(usccProblem('91AB030071526726XG')).toMatch(/administrative division/);
  });

  it('every code built with its check character validates, and any single substitution of it fails', () => {
    const body = fc
      .tuple(
        fc.constantFrom(...ALPHABET.split('')),
        fc.constantFrom(...ALPHABET.split('')),
        fc.stringMatching(/^\d{6}$/),
        fc.array(fc.constantFrom(...ALPHABET.split('')), { minLength: 9, maxLength: 9 }),
      )
      .map(([a, b, division, rest]) => `${a}${b}${division}${rest.join('')}`);
    fc.assert(
      fc.property(body, fc.constantFrom(...ALPHABET.split('')), (first17, other) => {
        const check = usccCheckChar(first17)!;
        expect(usccProblem(first17 + check)).toBeNull();
        if (other !== check) expect(usccProblem(first17 + other)).not.toBeNull();
      }),
    );
  });
});
