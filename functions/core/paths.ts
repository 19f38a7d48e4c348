/** Nested values of loosely shaped data (partner details, parsed XML), without casts at every step. */

/** The value at `path` inside `value`, or undefined where any step is missing. */
export function valueAt(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** The object at `path`, or undefined when there is none (or it is not an object). */
export function objectAt(value: unknown, ...path: string[]): Record<string, unknown> | undefined {
  const v = valueAt(value, ...path);
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** The value at `path` as text: '' when missing. */
export function textAt(value: unknown, ...path: string[]): string {
  const v = valueAt(value, ...path);
  return v === undefined || v === null ? '' : String(v);
}
