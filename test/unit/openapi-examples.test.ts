/** The generic example builder of the OpenAPI document (functions/api/openapi-examples.ts). */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { exampleOf, sampleRegex } from '../../functions/api/openapi-examples.ts';
import { routeList } from '../../functions/api/routes.ts';

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

describe('sampleRegex', () => {
  it.each([
    '^bor_[0-9a-z]{26}$',
    '^\\d{4,8}$',
    '^\\d+(\\.\\d+)?$',
    '^(\\d{15}|\\d{16})$',
    '^[A-Za-z0-9_.:-]{1,64}$',
    '^[A-Z]{5}[0-9]{4}[A-Z]$',
    '^(?:ab|cd)+x?$',
  ])('gives a string matching %s', (pattern) => {
    const value = sampleRegex(pattern);
    expect(value).toBeDefined();
    expect(new RegExp(pattern, 'u').test(value!)).toBe(true);
  });

  it('gives up (undefined) rather than answer a string that does not match', () => {
    expect(sampleRegex('^(?=x)y$')).toBeUndefined();
  });

  it('matches every pattern the route table uses', () => {
    const patterns = new Set<string>();
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      const pattern = (node as { pattern?: unknown }).pattern;
      if (typeof pattern === 'string') patterns.add(pattern);
      for (const v of Object.values(node)) walk(v);
    };
    for (const r of routeList) for (const s of Object.values(r.request)) if (s) walk(json(s as z.ZodType));
    expect(patterns.size).toBeGreaterThan(5);
    for (const p of patterns) {
      const value = sampleRegex(p);
      if (value !== undefined) expect(new RegExp(p, 'u').test(value), p).toBe(true);
    }
  });
});

describe('exampleOf', () => {
  it('prefers the schema examples, then default, const and enum', () => {
    expect(exampleOf(json(z.string().meta({ examples: ['given'] })))).toBe('given');
    expect(exampleOf(json(z.number().default(7)))).toBe(7);
    expect(exampleOf(json(z.literal('ok')))).toBe('ok');
    expect(exampleOf(json(z.enum(['b', 'a'])))).toBe('b');
  });

  it('builds objects, arrays, formats, bounds and realistic values by field name', () => {
    const schema = z.object({
      name: z.string(),
      email: z.email(),
      created_at: z.string(),
      count: z.number().int().min(5),
      tags: z.array(z.string()).min(2),
      phone: z.string().regex(/^\d{3}$/),
      nested: z.object({ id: z.string().regex(/^whe_[0-9a-z]{26}$/) }),
    });
    const example = exampleOf(json(schema)) as Record<string, any>;
    expect(schema.safeParse(example).success).toBe(true);
    expect(example.name).toBe('Budi Santoso');
    expect(example.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(example.count).toBe(5);
    expect(example.tags).toHaveLength(2);
    // The realistic phone does not fit this pattern: the sampled one does.
    expect(example.phone).toBe('000');
  });

  it('shows a nullable field with its value, and follows $ref', () => {
    expect(exampleOf(json(z.string().nullable()), undefined, 'reference_id')).toBe('order-1001');
    const root = { $defs: { X: { type: 'integer', minimum: 3 } } };
    expect(exampleOf({ $ref: '#/$defs/X' }, root)).toBe(3);
  });
});
