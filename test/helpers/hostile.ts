/**
 * fast-check arbitraries for hostile requests to one route of the table: the route's valid
 * sample request, then mutated where a careless server breaks: malformed JSON, wrong content
 * types, huge and deep bodies, unicode and NUL, numbers JSON cannot hold (NaN, 1e309),
 * negative and enormous numbers, path and query injection, broken multipart framing, bad
 * credentials and headers. Field paths come from the sample and from the route's zod schemas
 * (as JSON Schema), so optional fields the sample leaves out are attacked too.
 */
import fc from 'fast-check';
import type { RouteDef } from '#http/route';
import { authHeaders, type RawRequest, type Tenant } from './route-harness.ts';
import { type FormPart, jsonSchemaOf, multipart, type Sample } from './route-samples.ts';

/** A piece of JSON text sent as it is: a number JSON cannot hold, a broken token, deep nesting. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text for a value that may hold RawJson pieces (own keys only, `__proto__` included). */
export function renderJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(renderJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.getOwnPropertyNames(value);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${renderJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Percent-encodes every byte of the UTF-8 form but the unreserved ones (lone surrogates become U+FFFD). */
export function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What an HTTP header can carry: Latin-1 without control characters (the client refuses the rest). */
function headerSafe(text: string): string {
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  return [...latin1].filter((c) => c === '\t' || (c >= ' ' && c !== '\x7f')).join('');
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202egnp.exe',
  '\ufeff',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕳𝖊𝖑𝖑𝖔',
  '👨‍👩‍👧‍👦'.repeat(40),
  'e\u0301'.repeat(100),
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%2e%2e%2f',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x10',
  'true',
  '[]',
  '{}',
  '{{7*7}}',
  '$' + '{7*7}',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '"; DROP TABLE x; --',
  'bor_00000000000000000000000000',
  'kyr_00000000000000000000000000',
  '\r\nX-Injected: 1',
  'x'.repeat(65),
  'x'.repeat(1025),
  /** Past DynamoDB's 2 KB key, still inside a URL. */
  'x'.repeat(3000),
  'A'.repeat(100_000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);

/** Numbers JSON cannot hold or a parser mangles, and numbers a domain refuses. */
const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    ...[
      'NaN',
      'Infinity',
      '-Infinity',
      '1e309',
      '-1e309',
      '1e-400',
      '-0',
      '9007199254740993',
      '123456789012345678901234567890',
      '0x10',
      '01',
      '1.',
      '.5',
      '+1',
    ].map((t) => new RawJson(t)),
  ),
  fc.constantFrom(-1, 0, 1.5, -0.0001, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 31, -(2 ** 63)),
  fc.double(),
  fc.integer(),
);

/** Nesting far past what the table can store (DynamoDB: 32 levels) and what a recursive walker survives. */
const deep: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(33, 200, 5_000, 100_000), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? new RawJson('['.repeat(depth) + ']'.repeat(depth))
      : new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

/** Past DynamoDB's 400 KB item, and past a Lambda's 6 MB payload. */
const huge: fc.Arbitrary<string> = fc.constantFrom(450_000, 1_500_000).map((n) => 'é'.repeat(n / 2));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 4, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 2, arbitrary: deep },
  { weight: 1, arbitrary: huge },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', '\u0000', 'a'.repeat(10_000), '$where', 'pk', 'sk'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

type Path = (string | number)[];

/** Every path to a node of a JSON value (objects and arrays walked, leaves included). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return [prefix];
}

/** Every property path a JSON Schema describes (optional ones too), four levels deep. */
function schemaPaths(schema: Record<string, any> | undefined, prefix: Path = [], depth = 0): Path[] {
  if (!schema || depth > 4) return [];
  const branches: Record<string, any>[] = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  const own = Object.entries((schema.properties ?? {}) as Record<string, any>).flatMap(([k, s]) => [
    [...prefix, k],
    ...schemaPaths(s, [...prefix, k], depth + 1),
  ]);
  const items = schema.items ? [[...prefix, 0], ...schemaPaths(schema.items, [...prefix, 0], depth + 1)] : [];
  return [...own, ...items, ...branches.flatMap((b) => schemaPaths(b, prefix, depth + 1))];
}

/** A copy of `value` with `path` set to `replacement` (containers created on the way). */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  const container: any = Array.isArray(value) ? [...value] : value && typeof value === 'object' ? { ...value } : {};
  Object.defineProperty(container, head, {
    value: setAt(container[head], rest, replacement),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return container;
}

function dropAt(value: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const parent = path.slice(0, -1);
  const last = path.at(-1) as string | number;
  let node: any = value;
  for (const p of parent) node = node?.[p];
  if (!node || typeof node !== 'object') return value;
  const copy: any = Array.isArray(node) ? node.filter((_: unknown, i: number) => i !== last) : { ...node };
  if (!Array.isArray(node)) delete copy[last];
  return setAt(value, parent, copy);
}

/** A request body: its bytes and the content type it claims. */
export interface Body {
  bytes: string | Uint8Array;
  contentType?: string;
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=zzz',
  'application/octet-stream',
  'application/xml',
  'application/json; charset=utf-16le',
  'application/vnd.api+json',
  '*/*',
  'garbage',
];

/** Which content type a JSON body claims: mostly JSON, sometimes anything but. */
const jsonContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

/** Text that is almost JSON. */
function malformed(sample: unknown): fc.Arbitrary<Body> {
  const text = JSON.stringify(sample ?? {});
  return fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => ({ bytes: text.slice(0, n) })),
    fc.constantFrom(
      { bytes: `${text},` },
      { bytes: text.replace(/\}$/, ',}') },
      { bytes: `\ufeff${text}` },
      { bytes: text.replaceAll('"', "'") },
      { bytes: `${text}${text}` },
      { bytes: text.replace('{', '{/* comment */') },
      { bytes: `{"customerID":"x",${text.slice(1)}` },
      { bytes: '' },
      { bytes: 'null' },
      { bytes: '"\\x41"' },
      { bytes: '"\\ud800"' },
      { bytes: new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28]) },
      { bytes: Buffer.from(text, 'utf16le'), contentType: 'application/json; charset=utf-16le' },
      { bytes: Buffer.from(text, 'utf16le') },
    ),
  );
}

/** A JSON body for a route: its sample with one hostile change, or something else entirely. */
export function jsonBody(route: RouteDef, sample: unknown): fc.Arbitrary<Body> {
  const paths = [...pathsOf(sample ?? {}), ...schemaPaths(jsonSchemaOf(route.request.body))].filter(
    (p) => p.length > 0,
  );
  const unique = [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()];
  const objects = pathsOf(sample ?? {}).filter((p) => {
    let node: any = sample;
    for (const k of p) node = node?.[k];
    return node && typeof node === 'object' && !Array.isArray(node);
  });
  const text = (value: unknown) => renderJson(value);
  const mutations: fc.WeightedArbitrary<string>[] = [
    { weight: 1, arbitrary: fc.constant(text(sample ?? {})) },
    { weight: 3, arbitrary: hostileValue.map(text) },
  ];
  if (unique.length) {
    mutations.push(
      {
        weight: 10,
        arbitrary: fc.tuple(fc.constantFrom(...unique), hostileValue).map(([p, v]) => text(setAt(sample, p, v))),
      },
      { weight: 2, arbitrary: fc.constantFrom(...unique).map((p) => text(dropAt(sample, p))) },
    );
  }
  if (objects.length) {
    mutations.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...objects), hostileKey, hostileValue)
        .map(([p, k, v]) => text(setAt(sample, [...p, k], v))),
    });
  }
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.oneof(...mutations), jsonContentType)
        .map(([bytes, contentType]) => ({ bytes, contentType })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(malformed(sample), jsonContentType).map(([b, contentType]) => ({ contentType, ...b })),
    },
  );
}

/** A multipart body for an upload route: its sample form with one hostile change, or broken framing. */
export function formBody(form: FormPart[]): fc.Arbitrary<Body> {
  const indexes = form.map((_, i) => i);
  const encode = (parts: FormPart[]) => {
    const m = multipart(parts);
    return { bytes: m.body, contentType: m.contentType } as Body;
  };
  const fileAt = form.findIndex((p) => 'filename' in p);
  const file = form[fileAt] as Extract<FormPart, { filename: string }> | undefined;
  const replace = (i: number, part: FormPart) => form.map((p, j) => (j === i ? part : p));
  const options: fc.WeightedArbitrary<Body>[] = [{ weight: 2, arbitrary: fc.constant(encode(form)) }];
  if (indexes.length) {
    options.push(
      {
        weight: 8,
        arbitrary: fc.tuple(fc.constantFrom(...indexes), hostileString).map(([i, value]) => {
          const part = form[i] as FormPart;
          return encode(
            replace(i, 'filename' in part ? { ...part, bytes: Buffer.from(value) } : { name: part.name, value }),
          );
        }),
      },
      { weight: 2, arbitrary: fc.constantFrom(...indexes).map((i) => encode(form.filter((_, j) => j !== i))) },
      { weight: 1, arbitrary: fc.constantFrom(...indexes).map((i) => encode([...form, form[i] as FormPart])) },
    );
  }
  options.push(
    {
      weight: 2,
      arbitrary: fc
        .tuple(hostileString, hostileString)
        .map(([name, value]) => encode([...form, { name: name.slice(0, 200), value }])),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'multipart/form-data',
          'multipart/form-data; boundary=',
          'multipart/form-data; boundary="unterminated',
          `multipart/form-data; boundary=${'b'.repeat(200)}`,
          'multipart/form-data; boundary=other',
          'multipart/mixed; boundary=x',
          'application/json',
          'text/plain',
        )
        .map((contentType) => ({ bytes: encode(form).bytes, contentType })),
    },
    {
      weight: 2,
      arbitrary: fc.nat().map((n) => {
        const whole = encode(form);
        const bytes = whole.bytes as Uint8Array;
        return { bytes: bytes.subarray(0, n % bytes.length), contentType: whole.contentType };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ bytes: JSON.stringify({}), contentType: 'multipart/form-data; boundary=x' }),
    },
  );
  if (file) {
    options.push(
      {
        weight: 3,
        arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => encode(replace(fileAt, { ...file, bytes }))),
      },
      {
        weight: 2,
        arbitrary: hostileString.map((name) =>
          encode(
            replace(fileAt, { ...file, filename: name.slice(0, 300), contentType: headerSafe(name).slice(0, 100) }),
          ),
        ),
      },
      { weight: 1, arbitrary: fc.constant(encode([...form, ...Array.from({ length: 7 }, () => file)])) },
      {
        weight: 1,
        arbitrary: fc.constant(encode(replace(fileAt, { ...file, bytes: new Uint8Array(5 * 1024 * 1024 + 1) }))),
      },
    );
  }
  return fc.oneof(...options);
}

/** Path segments that try to leave their segment or the route. */
const RAW_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fhealth',
  '%2F',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  'bor_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '*',
  ';',
  "'",
  '%27%20OR%201%3D1',
  'a'.repeat(5000),
  '%F0%9F%98%80',
  '%ED%A0%80',
  '~',
  '$',
];

function segment(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(pct(valid)) },
    { weight: 3, arbitrary: hostileString.map(pct) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...RAW_SEGMENTS, `${pct(valid)}%00`, `${pct(valid)}/..`, pct(valid.toUpperCase())),
    },
  );
}

/** The query string: the sample's, or with a hostile value, key, duplicate or junk. */
function queryString(route: RouteDef, query: Record<string, string> | undefined): fc.Arbitrary<string> {
  const pairs = Object.entries(query ?? {});
  const keys = [
    ...new Set([...pairs.map(([k]) => k), ...Object.keys(jsonSchemaOf(route.request.query)?.properties ?? {})]),
  ];
  const join = (list: [string, string][]) => (list.length ? `?${list.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const valid = pairs.map(([k, v]) => [pct(k), pct(v)] as [string, string]);
  const hostileQueryValue = fc.oneof(
    hostileString.map(pct),
    fc.constantFrom('NaN', '1e309', '-1', '1.5', '99999999999999999999', '0x10', '', '%', '%zz', '-0', 'Infinity'),
  );
  const options: fc.Arbitrary<string>[] = [
    fc.constant(join(valid)),
    fc.tuple(hostileString, hostileQueryValue).map(([k, v]) => join([...valid, [pct(k), v]])),
    fc.constantFrom('?%', '?&&&', '?a[b]=c', '?__proto__[x]=1', '?constructor[prototype][x]=1', `?${'q'.repeat(9000)}`),
  ];
  if (keys.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...keys), hostileQueryValue)
        .map(([k, v]) => join([...valid.filter(([x]) => x !== k), [pct(k), v]])),
      fc.tuple(fc.constantFrom(...keys), hostileQueryValue).map(([k, v]) => join([...valid, [pct(k), v]])),
      fc.constantFrom(...keys).map((k) => join(valid.filter(([x]) => x !== pct(k)))),
    );
  }
  return fc.oneof(...options);
}

/** The route's credentials, mostly right, sometimes missing, tampered or of another kind. */
function credentials(route: RouteDef, tenant: Tenant): fc.Arbitrary<Record<string, string>> {
  const valid = authHeaders(tenant, route.auth);
  const name = route.auth === 'apiKeyHeader' ? 'x-api-key' : 'authorization';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const jwtNone = `${b64('{"alg":"none","typ":"JWT"}')}.${b64(`{"sub":"${tenant.partnerId}","mode":"live"}`)}.`;
  const wrong = fc.oneof(
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${tenant.accessToken.slice(0, -4)}AAAA`,
      `Bearer ${tenant.apiKey}`,
      `Bearer ${tenant.accessToken}`,
      `Bearer ${jwtNone}`,
      `Basic ${b64(`${tenant.clientId}:wrong`)}`,
      `Basic ${b64('no-colon')}`,
      'Basic !!!',
      `sk_sandbox_${'x'.repeat(32)}`,
      'sk_prod_',
      tenant.apiKey.replace('sk_sandbox_', 'sk_prod_'),
      tenant.accessToken,
    ),
    hostileString.map((s) => headerSafe(s).slice(0, 8000)),
    hostileString.map((s) => `Basic ${b64(`${s}:${s}`)}`),
  );
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: wrong.map((v) => ({ ...valid, [name]: v })) },
  );
}

/** Other headers: Idempotency-Key, the route's own (data-source), a stray one. */
function otherHeaders(route: RouteDef, own: Record<string, string> | undefined): fc.Arbitrary<Record<string, string>> {
  const idempotencyKey = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString.map((s) => headerSafe(s).slice(0, 400)) },
    { weight: 1, arbitrary: fc.constant('k'.repeat(300)) },
  );
  const ownHeaders = Object.keys(own ?? {}).length
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constant(own ?? {}) },
        { weight: 1, arbitrary: fc.constant({}) },
        {
          weight: 2,
          arbitrary: hostileString.map((s) =>
            Object.fromEntries(Object.keys(own ?? {}).map((k) => [k, headerSafe(s).slice(0, 2000)])),
          ),
        },
      )
    : fc.constant({});
  return fc.tuple(idempotencyKey, ownHeaders).map(([key, headers]) => ({
    ...headers,
    ...(key !== undefined && route.method !== 'GET' ? { 'idempotency-key': key } : {}),
  }));
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Hostile requests for one route, built around its valid sample. */
export function hostileRequests(route: RouteDef, sample: Sample, tenant: Tenant): fc.Arbitrary<RawRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const params = fc.tuple(...names.map((n) => segment(sample.params?.[n] ?? 'x')));
  const body: fc.Arbitrary<Body | undefined> = sample.form
    ? formBody(sample.form)
    : route.request.body || sample.body !== undefined
      ? jsonBody(route, sample.body)
      : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: jsonBody(route, {}) });
  return fc
    .record({
      method: fc.oneof(
        { weight: 19, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      params,
      query: queryString(route, sample.query),
      body,
      auth: credentials(route, tenant),
      headers: otherHeaders(route, sample.headers),
    })
    .map(({ method, params: values, query, body: b, auth, headers }) => {
      let i = 0;
      const path = route.path.replace(/\{\w+\}/g, () => values[i++] ?? '');
      const contentType: Record<string, string> = b?.contentType !== undefined ? { 'content-type': b.contentType } : {};
      return {
        method,
        path: `${path}${query}`,
        headers: { ...auth, ...headers, ...contentType },
        body: b?.bytes,
      };
    });
}

/** A request in a few lines, for a failure message. */
export function describeRequest(req: RawRequest): string {
  const body =
    req.body === undefined ? '' : typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('latin1');
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  return [
    `${req.method} ${cut(req.path, 300)}`,
    ...Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${cut(v, 120)}`),
    cut(JSON.stringify(body), 600),
  ].join('\n');
}
