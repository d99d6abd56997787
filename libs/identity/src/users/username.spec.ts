import { canonicalUsername, usernameProblem } from './username';

describe('canonicalUsername', () => {
  it('folds case and compatibility forms to one spelling', () => {
    expect(canonicalUsername('Yanta.Officer')).toBe('yanta.officer');
    expect(canonicalUsername('  admin ')).toBe('admin');
    // Fullwidth letters and the Kelvin sign are compatibility forms of ASCII.
    expect(canonicalUsername('ａｄｍｉｎ')).toBe('admin');
    expect(canonicalUsername('\u212Aey')).toBe('key');
    // Full fold, not just lower-casing.
    expect(canonicalUsername('STRAßE')).toBe(canonicalUsername('strasse'));
    expect(canonicalUsername('ΣΟΦΟΣ')).toBe(canonicalUsername('σοφος'));
  });

  it('gives every spelling of a dotted capital I one form, never plain "i"', () => {
    const forms = ['adm\u0130n', 'adm\u0069\u0307n', 'ADM\u0130N'].map(canonicalUsername);
    expect(new Set(forms).size).toBe(1);
    expect(forms[0]).not.toBe('admin');
  });
});

describe('usernameProblem', () => {
  it('accepts the policy and refuses the rest', () => {
    for (const ok of ['abc', 'yanta.officer', 'A_1-b', 'x'.repeat(64), 'ａｄｍｉｎ']) expect(usernameProblem(ok)).toBeNull();
    for (const bad of ['ab', 'x'.repeat(65), '.lead', '-x-', 'adm\u0130n', 'аdmin', 'a b', 'nul\u0000x', 'a@b', '张三', 'x'.repeat(200_000)]) {
      expect(usernameProblem(bad)).not.toBeNull();
    }
  });
});
