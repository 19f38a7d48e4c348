/**
 * An example for any JSON Schema the route table's zod schemas produce, so every operation of
 * the OpenAPI document has one, including routes added later that nobody wrote an example for.
 *
 * Precedence at every level: the schema's own `examples` (zod `.meta({ examples })`, the way to
 * hand-write a better one), `default`, `const`, the first `enum` value, then a value built from
 * the type, format, bounds and pattern. Patterns are sampled by a small deterministic regex
 * walker (literals, classes, `\d`/`\w`, groups, alternation, quantifiers), so an id such as
 * `^bor_[0-9a-z]{26}$` gets a value that matches it. The result is meant to validate against the
 * schema (redocly's no-invalid-media-type-examples checks it in the unit tests).
 */

type Json = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  date: '2026-01-15',
  'date-time': '2026-01-15T08:30:00.000Z',
  time: '08:30:00',
  email: 'dev@example.com',
  uri: 'https://partner.example.com/hooks/lendstack',
  url: 'https://partner.example.com/hooks/lendstack',
  uuid: '3f2b8c1e-6d4a-4e9b-9a51-0c7f2d8e1b6a',
  ipv4: '203.0.113.10',
  ipv6: '2001:db8::1',
};

/**
 * Realistic values by field name, used when they satisfy the field's schema (type, pattern,
 * length, bounds); otherwise the value is built from the schema. Keys are lower-cased names.
 */
const BY_NAME: Record<string, string | number> = {
  name: 'Budi Santoso',
  account_name: 'Budi Santoso',
  director_name: 'Budi Santoso',
  business_name: 'PT Maju Jaya',
  phone: '081234567890',
  mobile: '9876543210',
  nik: '3171251508900001',
  director_nik: '3171251508900002',
  nib: '1234567890123',
  npwp: '012345678901000',
  pan: 'ABCDE1234F',
  bank_code: 'MANDIRI',
  account_number: '1234567890',
  reference_id: 'order-1001',
  customerid: 'cust-0001',
  userid: 'bor_01kbx4r3m9q2n7p5t8v6w1y0z3',
  loanuniqueid: 'loan_01kbx4r3m9q2n7p5t8v6w1y0z3',
  request_id: 'req_6f1c2d0e-8a4b-4c1e-9f7a-2b3c4d5e6f70',
  message: 'Created',
  principal: 1_000_000,
  amount: 1_000_000,
  tenor_days: 30,
  installments: 6,
};

function fits(value: string | number, s: Json, type: unknown): boolean {
  if (typeof value === 'number') {
    if (type !== 'integer' && type !== 'number') return false;
    if (typeof s.minimum === 'number' && value < s.minimum) return false;
    if (typeof s.maximum === 'number' && value > s.maximum) return false;
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return false;
    return true;
  }
  if (type !== 'string' || s.format) return false;
  if (typeof s.minLength === 'number' && value.length < s.minLength) return false;
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) return false;
  if (typeof s.pattern === 'string') {
    try {
      return new RegExp(s.pattern, 'u').test(value);
    } catch {
      return false;
    }
  }
  return true;
}

/** A value for `schema`; `root` resolves local `$ref`s (`#/$defs/…`, `#/components/schemas/…`). */
export function exampleOf(schema: unknown, root: unknown = schema, name = '', depth = 0): unknown {
  if (schema === true || schema === undefined || schema === null) return name ? `${name}_value` : 'value';
  if (typeof schema !== 'object' || depth > 12) return null;
  const s = schema as Json;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (typeof s.$ref === 'string') return exampleOf(resolveRef(root, s.$ref), root, name, depth + 1);
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((p) => exampleOf(p, root, name, depth + 1));
    return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length) {
      // A nullable field shows its value, not null.
      const first = options.find((o) => (o as Json)?.type !== 'null') ?? options[0];
      return exampleOf(first, root, name, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  const known = BY_NAME[name.toLowerCase()];
  if (known !== undefined && fits(known, s, type)) return known;
  if (type === 'string' && !s.format && !s.pattern && /(_at|At)$/.test(name)) return FORMATS['date-time'];
  switch (type) {
    case 'object':
    case undefined: {
      if (type === undefined && !s.properties) return name ? `${name}_value` : {};
      const out: Json = {};
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required as string[] | undefined) ?? Object.keys(properties));
      for (const [key, prop] of Object.entries(properties)) {
        // Optional fields are shown too (a reader learns them from the example), but not
        // optional objects of objects, which would make a short example a long one.
        if (!required.has(key) && depth > 1) continue;
        out[key] = exampleOf(prop, root, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const item = exampleOf(s.items ?? {}, root, name, depth + 1);
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      return Array.from({ length: Math.max(1, min) }, () => item);
    }
    case 'string':
      return stringExample(s, name);
    case 'integer':
    case 'number':
      return numberExample(s, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return null;
  }
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Json | undefined)?.[part.replace(/~1/g, '/')];
  return node ?? {};
}

function numberExample(s: Json, integer: boolean): number {
  const min =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + (integer ? 1 : 0.5)
        : undefined;
  const max =
    typeof s.maximum === 'number'
      ? s.maximum
      : typeof s.exclusiveMaximum === 'number'
        ? s.exclusiveMaximum - (integer ? 1 : 0.5)
        : undefined;
  let value = min !== undefined && min > 0 ? min : max !== undefined && max < 1 ? max : 1;
  if (typeof s.multipleOf === 'number') value = Math.ceil(value / s.multipleOf) * s.multipleOf;
  return integer ? Math.ceil(value) : value;
}

function stringExample(s: Json, name: string): string {
  if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format] as string;
  if (typeof s.pattern === 'string') {
    const sampled = sampleRegex(s.pattern);
    if (sampled !== undefined) return sampled;
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
  let value = name ? `${name}_value` : 'string';
  if (value.length > max) value = 'x'.repeat(Math.max(min, Math.min(max, 1)));
  while (value.length < min) value += 'x';
  return value;
}

/**
 * One string matching `pattern`, or undefined when the walker cannot honour it (it then
 * checks its own answer with RegExp). Deterministic: the first branch and the lower bound of
 * every quantifier (one for `+`), the first character of every class.
 */
export function sampleRegex(pattern: string): string | undefined {
  let i = 0;
  const src = pattern;

  const classFirst = (): string => {
    // At '[' ... ']'
    i++;
    const negated = src[i] === '^';
    if (negated) i++;
    const chars: string[] = [];
    while (i < src.length && src[i] !== ']') {
      let c = src[i] as string;
      if (c === '\\') {
        i++;
        const e = src[i] as string;
        c = e === 'd' ? '0' : e === 'w' ? 'a' : e === 's' ? ' ' : e;
      }
      if (src[i + 1] === '-' && src[i + 2] !== ']' && src[i + 2] !== undefined) {
        i += 2;
      }
      chars.push(c);
      i++;
    }
    i++; // ]
    if (negated) return '#';
    return chars[0] ?? 'a';
  };

  const quantifier = (): number => {
    const c = src[i];
    if (c === '?' || c === '*') {
      i++;
      if (src[i] === '?') i++;
      return 0;
    }
    if (c === '+') {
      i++;
      if (src[i] === '?') i++;
      return 1;
    }
    if (c === '{') {
      const end = src.indexOf('}', i);
      const [lo] = src.slice(i + 1, end).split(',');
      i = end + 1;
      return Number(lo);
    }
    return 1;
  };

  const sequence = (): string => {
    let out = '';
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom: string;
      const c = src[i] as string;
      if (c === '^' || c === '$') {
        i++;
        continue;
      }
      if (c === '(') {
        i++;
        if (src[i] === '?' && src[i + 1] === ':') i += 2;
        atom = alternation();
        i++; // )
      } else if (c === '[') {
        atom = classFirst();
      } else if (c === '\\') {
        const e = src[i + 1] as string;
        atom = e === 'd' ? '0' : e === 'w' ? 'a' : e === 's' ? ' ' : e;
        i += 2;
      } else if (c === '.') {
        atom = 'a';
        i++;
      } else {
        atom = c;
        i++;
      }
      out += atom.repeat(quantifier());
    }
    return out;
  };

  const alternation = (): string => {
    const first = sequence();
    while (src[i] === '|') {
      i++;
      sequence();
    }
    return first;
  };

  try {
    const value = alternation();
    return new RegExp(pattern, 'u').test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
