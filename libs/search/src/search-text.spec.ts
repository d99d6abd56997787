import { ValidationException } from '@zs/common';
import { highlight, needsRecheck, parseQuery, toTsquery } from './search-text';

describe('search text', () => {
  it('tokenizes Chinese runs and Latin words after NFKC and lower-casing', () => {
    expect(parseQuery('ＢＹＤ 电池包, Battery-Pack').tokens).toEqual(['byd', '电池包', 'battery', 'pack']);
    expect(parseQuery('  ').tokens).toEqual([]);
  });

  it('drops a trailing legal-form suffix, Chinese or Latin, but keeps a bare legal form', () => {
    expect(parseQuery('比亚迪股份有限公司').tokens).toEqual(['比亚迪']);
    expect(parseQuery('Micron Semiconductor Co., Ltd.').tokens).toEqual(['micron', 'semiconductor']);
    expect(parseQuery('有限公司').tokens).toEqual(['有限公司']);
    expect(parseQuery('XA-2026-000204').tokens).toEqual(['xa', '2026', '000204']);
  });

  it.each([['!!!，。'], ['a'.repeat(201)], ['ab\u0000c'], ['\u007f']])('refuses %j with a field error on query', (q) => {
    expect(() => parseQuery(q)).toThrow(ValidationException);
    try {
      parseQuery(q);
    } catch (e) {
      expect((e as ValidationException).fields[0].path).toBe('query');
    }
  });

  it('builds the tsquery the index terms answer: bigrams for runs, prefixes for single characters and words', () => {
    expect(toTsquery(['处理'])).toBe(`'处理'`);
    expect(toTsquery(['精密铸造', 'semi'])).toBe(`'精密' & '密铸' & '铸造' & 'semi':*`);
    expect(toTsquery(['芯'])).toBe(`'芯':*`);
    expect(needsRecheck(['航空', 'battery', '芯'])).toBe(false);
    expect(needsRecheck(['精密铸造'])).toBe(true);
  });

  it('highlights every occurrence, escapes HTML, and windows long text', () => {
    expect(highlight('<b>芯片</b> & 芯片', ['芯片'])).toBe('&lt;b&gt;<mark>芯片</mark>&lt;/b&gt; &amp; <mark>芯片</mark>');
    expect(highlight('Micron Semiconductor', ['semi', 'micron'])).toBe('<mark>Micron</mark> <mark>Semi</mark>conductor');
    expect(highlight('无关文字', ['芯片'])).toBeNull();
    const long = `${'甲'.repeat(100)}芯片${'乙'.repeat(100)}`;
    const snippet = highlight(long, ['芯片'], 30)!;
    expect(snippet.startsWith('…') && snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain('<mark>芯片</mark>');
    expect(snippet.replace(/<\/?mark>|…/g, '')).toHaveLength(30);
  });
});
