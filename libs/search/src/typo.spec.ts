import { correct, editDistance, maxTypos } from './typo';

describe('typo tolerance (PostgreSQL engine)', () => {
  it('budgets typos like Meilisearch: none below 5 characters, one from 5, two from 9', () => {
    expect([maxTypos(4), maxTypos(5), maxTypos(8), maxTypos(9)]).toEqual([0, 1, 1, 2]);
  });

  it('measures insertions, deletions, substitutions and swapped neighbours, bounded', () => {
    expect(editDistance('micron', 'micorn', 2)).toBe(1);
    expect(editDistance('pfizer', 'pfizr', 2)).toBe(1);
    expect(editDistance('battery', 'batery', 2)).toBe(1);
    expect(editDistance('battery', 'bxttexy', 2)).toBe(2);
    expect(editDistance('battery', 'recycling', 2)).toBe(3);
  });

  const vocabulary = ['battery', 'micron', 'semiconductor', 'pfizer', 'packaging', 'recycling', 'hexcel'];
  it.each([
    ['micorn', 'micron'],
    ['pfizr', 'pfizer'],
    ['batery', 'battery'],
    ['semicondutor', 'semiconductor'],
    ['semicondcu', 'semiconduc'],
    ['hexcell', 'hexcel'],
  ])('corrects %s to %s', (typo, fixed) => {
    expect(correct(typo, vocabulary)?.token).toBe(fixed);
  });

  it('leaves short words, known prefixes and far-off words alone', () => {
    expect(correct('bat', vocabulary)).toBeNull();
    expect(correct('semicond', vocabulary)).toBeNull();
    expect(correct('quantum', vocabulary)).toBeNull();
    expect(correct('电池', vocabulary)).toBeNull();
  });
});
