// Legal-form and regional decorations that do not change who the investor is; longest first.
const SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '集团股份有限公司',
  '控股集团',
  '有限公司',
  '集团公司',
  '控股',
  '集团',
  '公司',
  // Latin forms only as whole words, hence the leading space.
  ' co.,ltd.',
  ' co., ltd.',
  ' co.,ltd',
  ' co. ltd.',
  ' co ltd',
  ' co.',
  ' co',
  ' limited',
  ' ltd.',
  ' ltd',
  ' inc.',
  ' inc',
  ' corporation',
  ' corp.',
  ' corp',
  ' group',
  ' gmbh',
  ' ag',
  ' llc',
  ' plc',
].sort((a, b) => b.length - a.length);

const REGION_MARKERS = /[(（]\s*(中国|中國|china|prc)\s*[)）]/gi;

/** Full-width ASCII (Ｆｕｌｌ) to half-width, ideographic space to space. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * The key two leads are compared on to find units chasing the same investor: case, width,
 * punctuation, "(中国)" and legal-form suffixes are ignored.
 */
export function normaliseInvestorName(name: string): string {
  let s = toHalfWidth(name).toLowerCase().normalize('NFKC');
  s = s.replace(REGION_MARKERS, '');
  s = s.replace(/\s+/g, ' ').trim();
  let changed = true;
  while (changed) {
    changed = false;
    const stripped = s.replace(/[\s.,，。、·\-_'"()（）]+$/g, '');
    for (const suffix of SUFFIXES) {
      const rest = stripped.slice(0, -suffix.length);
      // "有限公司" alone stays a name: never strip down to a fragment of a legal form.
      if (stripped.endsWith(suffix) && rest.trim().length > 0 && !SUFFIXES.some((f) => f.trim().startsWith(rest.trim()))) {
        s = rest;
        changed = true;
        break;
      }
    }
    if (!changed) s = stripped;
  }
  return s.replace(/[\s.,，。、·\-_'"()（）&]+/g, '');
}
