/**
 * fast-check arbitraries for malformed lead inputs: each value says which field it breaks and
 * whether the server must refuse it ('invalid') or may accept it ('either').
 */
import fc from 'fast-check';
import { USCC_CHARS, breakCheck, isValidUscc, makeUscc } from './uscc';

export interface Mutation {
  /** Path of the broken field inside the input, e.g. ['investor', 'uscc'] or ['contacts', 3, 'email']. */
  path: (string | number)[];
  value: unknown;
  /** 'invalid': must be refused; 'either': may be accepted (then it must be a clean, complete write). */
  expect: 'invalid' | 'either';
  /** The path an error reports may stop at this prefix (e.g. `contacts` for "at most 20 contacts"). */
  reportAt?: (string | number)[];
}

const KNOWN_CODES = new Set([
  'AEROSPACE', 'AVIATION', 'NEV', 'IC', 'PHOTONICS', 'BIOMEDICINE', 'NEW_MATERIALS', 'ADVANCED_EQUIPMENT', 'SOFTWARE', 'FOOD',
  'PV_ENERGY', 'ELECTRONICS', 'MODERN_LOGISTICS', 'CULTURE_TOURISM', 'MODERN_AGRICULTURE', 'BUILDING_MATERIALS',
  'FOREIGN', 'CENTRAL_SOE', 'LOCAL_SOE', 'PRIVATE', 'DOMESTIC_OUT_OF_PROVINCE', 'OTHER',
  'ENVIRONMENT', 'EVENT', 'ALUMNI', 'INDUSTRY_CHAIN', 'CHAMBER', 'CAPITAL', 'MARKET',
]);

const m = (path: (string | number)[], value: fc.Arbitrary<unknown>, expect: Mutation['expect'] = 'invalid', reportAt?: (string | number)[]) =>
  value.map((v): Mutation => ({ path, value: v, expect, reportAt }));

/** Values of the wrong GraphQL type for a String field (variable coercion must refuse them). */
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.double({ noNaN: true }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const controlChar = fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f');
const withControl = fc.tuple(fc.string({ minLength: 2, maxLength: 20 }), controlChar, fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`);
const tooLong = (max: number) => fc.integer({ min: max + 1, max: max * 4 + 10 }).map((len) => '长'.repeat(len));

const unknownCode = fc.stringMatching(/^[A-Z_]{1,30}$/).filter((c) => !KNOWN_CODES.has(c));

const decimalGarbage = fc.oneof(
  // negative, over-precise, too large for the column: refused by the validator
  m([], fc.integer({ min: 1, max: 10 ** 9 }).map((i) => `-${i}.5`)),
  m([], fc.tuple(fc.integer({ min: 0, max: 10 ** 6 }), fc.integer({ min: 100, max: 999999 })).map(([i, f]) => `${i}.${f}`)),
  m([], fc.integer({ min: 15, max: 18 }).map((d) => '9'.repeat(d) + '.00')),
  // not a decimal at all: refused by the scalar during variable coercion
  m([], fc.constantFrom('abc', '', ' ', '1,000', '1e5', 'NaN', 'Infinity', '0x10', '１２３', '1.2.3', '--1', '+-0')),
  m([], fc.oneof(fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({ v: 1 }))),
);

/**
 * Integer digits each amount column can hold (lead table: numeric(16,2), numeric(12,2) 亩,
 * numeric(14,2) m²). A value with more digits but within the generic "14 integer digits" rule
 * must still be refused as input, not overflow the column.
 */
export const INTEGER_DIGITS: Record<string, number> = {
  investmentAmount: 14,
  landAreaMu: 10,
  factoryAreaSqm: 12,
  expectedAnnualOutput: 14,
  expectedAnnualTax: 14,
};

function columnOverflow(field: string): fc.Arbitrary<Mutation> {
  const max = INTEGER_DIGITS[field];
  return m([field], fc.integer({ min: max + 1, max: Math.max(max + 1, 14) }).map((d) => `1${'0'.repeat(d - 1)}.00`));
}

/** Fields the contract declares nullable: an explicit null must be accepted (or refused as input), never a 500. */
export const NULLABLE_PATHS: (string | number)[][] = [
  ['summary'], ['description'], ['capitalSourceCode'], ['attractionModeCodes'], ['investmentAmount'], ['landAreaMu'],
  ['factoryAreaSqm'], ['expectedJobs'], ['expectedAnnualOutput'], ['expectedAnnualTax'], ['expectedLandingDate'],
  ['contacts'], ['investor', 'uscc'], ['investor', 'countryOrRegion'], ['contacts', 0, 'title'], ['contacts', 0, 'phone'],
  ['contacts', 0, 'email'],
];

export function nullExamples(mode: 'create' | 'update'): Mutation[] {
  const paths = mode === 'create' ? [...NULLABLE_PATHS, ['sharingScope']] : NULLABLE_PATHS;
  return paths.map((path) => ({ path, value: null, expect: 'either' }));
}

/** Always-run examples: one value just past each amount column's range. */
export function overflowExamples(): Mutation[] {
  return Object.entries(INTEGER_DIGITS).map(([field, max]) => ({ path: [field], value: `9${'9'.repeat(max)}.00`, expect: 'invalid' }));
}

const badUscc = fc.oneof(
  fc.integer({ min: 1, max: 10 ** 7 }).map((n) => breakCheck(makeUscc(n))),
  fc.stringMatching(new RegExp(`^[${USCC_CHARS}]{18}$`)).filter((s) => !isValidUscc(s)),
  fc.string({ minLength: 0, maxLength: 40 }).filter((s) => s.length !== 18 && s.trim().length > 0),
  fc.constantFrom('91610115MA6U00000I', '91610115MA6U00000O', '9161011SMA6U0000 1', '９１６１０１１５ＭＡ６Ｕ００００１'),
);

const badDate = fc.constantFrom('2026-02-30', '2026-13-01', '2026-00-10', '2026-1-1', '26-01-01', 'abc', '', '1999-12-31', '2101-01-01', '2026/01/01', '2026-01-01T00:00:00Z', '0000-00-00');

/** One broken field of a CreateLeadInput (also used for UpdateLeadInput, where every field is optional). */
export function brokenField(mode: 'create' | 'update'): fc.Arbitrary<Mutation> {
  const decimals = ['investmentAmount', 'landAreaMu', 'factoryAreaSqm', 'expectedAnnualOutput', 'expectedAnnualTax'].map((f) =>
    fc.oneof(decimalGarbage, columnOverflow(f)).map((d) => ({ ...d, path: [f] })),
  );
  const arbs: fc.Arbitrary<Mutation>[] = [
    m(['title'], fc.oneof(fc.constantFrom('', 'x', '甲'), tooLong(200), withControl)),
    m(['title'], notAString),
    m(['summary'], fc.oneof(tooLong(1000), withControl)),
    m(['description'], tooLong(20000).map((s) => s.slice(0, 20001 + (s.length % 500)))),
    m(['industryCode'], fc.oneof(unknownCode, fc.constant(''))),
    m(['industryCode'], notAString),
    m(['capitalSourceCode'], unknownCode),
    m(['attractionModeCodes'], fc.array(unknownCode, { minLength: 1, maxLength: 3 }).map((bad) => ['EVENT', ...bad])),
    m(['attractionModeCodes'], fc.constant(['ENVIRONMENT', 'EVENT', 'ALUMNI', 'INDUSTRY_CHAIN', 'CHAMBER', 'CAPITAL', 'MARKET', 'EVENT'])),
    m(['attractionModeCodes'], fc.constantFrom(['EVENT', null], [1, 2], [['EVENT']])),
    // a single value is coerced to a list of one: acceptable
    m(['attractionModeCodes'], fc.constant('EVENT'), 'either'),
    m(['investor', 'name'], fc.oneof(fc.constant(''), tooLong(200), withControl)),
    // nothing but a legal-form suffix: 1..200 characters, so the contract allows it
    m(['investor', 'name'], fc.constantFrom('有限公司', '股份有限公司', 'Co., Ltd.'), 'either'),
    m(['investor', 'uscc'], badUscc),
    m(['investor', 'countryOrRegion'], tooLong(100)),
    m(['investor'], fc.constantFrom({}, { uscc: makeUscc(1) }, 'investor', 42, [{ name: 'x' }])),
    ...decimals,
    m(['expectedJobs'], fc.oneof(fc.integer({ min: -(2 ** 31), max: -1 }), fc.integer({ min: 10_000_001, max: 2 ** 31 - 1 }))),
    m(['expectedJobs'], fc.oneof(fc.double({ min: 0.1, max: 100, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.constantFrom('10', 2 ** 31, -(2 ** 40), true))),
    m(['expectedLandingDate'], badDate),
    m(['contacts'], fc.integer({ min: 21, max: 40 }).map((k) => Array.from({ length: k }, (_, i) => ({ name: `联系人${i}` })))),
    m(['contacts', 0, 'email'], fc.constantFrom('not-an-email', 'a@', '@b.cn', 'a b@c.cn', 'x'.repeat(300) + '@a.cn'), 'invalid', ['contacts', 0]),
    m(['contacts', 0, 'phone'], fc.constantFrom('abc', '1'.repeat(60), '<script>'), 'invalid', ['contacts', 0]),
    m(['contacts', 0, 'name'], fc.constantFrom('', '名'.repeat(51)), 'invalid', ['contacts', 0]),
    m(['contacts', 0, 'name'], fc.constantFrom(null, 5, { a: 1 })),
    m(['contacts'], fc.constantFrom([null], [{}], [{ name: 'x', age: 3 }], 'contacts', [[{ name: 'x' }]])),
    m(['contacts'], fc.constant({ name: '单个联系人' }), 'either'),
    m(['unexpectedField'], fc.oneof(fc.string(), fc.integer())),
  ];
  arbs.push(fc.constantFrom(...nullExamples(mode)));
  if (mode === 'create') {
    arbs.push(
      m(['sharingScope'], fc.constantFrom('SECRET', 'private', 1, '')),
      m(['title'], fc.constant(null)),
      m(['industryCode'], fc.constant(null)),
      m(['investor'], fc.constant(null)),
      m(['investor', 'name'], fc.constant(null)),
    );
  } else {
    // Clearing a required field: refused (or ignored), never stored as NULL.
    arbs.push(m(['title'], fc.constant(null), 'either'), m(['industryCode'], fc.constant(null), 'either'), m(['investor'], fc.constant(null), 'either'));
  }
  return fc.oneof(...arbs);
}

/** Sets `value` at `path` inside a deep copy of `base`. */
export function applyMutation(base: Record<string, any>, mut: Mutation): Record<string, any> {
  const copy = structuredClone(base);
  if (mut.path.length === 0) return copy;
  let node: any = copy;
  for (const key of mut.path.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = typeof key === 'number' ? [] : {};
    node = node[key];
  }
  node[mut.path[mut.path.length - 1]] = mut.value;
  return copy;
}

/** `input.contacts[3].email`, `variables.input.contacts.3.email` → `contacts.3.email`. */
export function normalisePath(p: string): string {
  return p.replace(/\[(\d+)\]/g, '.$1').replace(/^variables\./, '').replace(/^\$?input\./, '');
}
