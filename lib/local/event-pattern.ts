/**
 * EventBridge event-pattern matching, for the local bus and the local pipe filter. Supports
 * what lendstack's patterns and most real ones use: exact values, prefix, suffix,
 * anything-but, exists, numeric ranges, equals-ignore-case, wildcard, and nesting; an array
 * in the event matches when any element does.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function matchOne(value: Json | undefined, condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return value === condition;
  const op = condition as Record<string, unknown>;
  if ('exists' in op) return op.exists ? value !== undefined : value === undefined;
  if (value === undefined) return false;
  if ('prefix' in op) {
    const p = op.prefix;
    if (typeof p === 'object' && p && 'equals-ignore-case' in p) {
      return (
        typeof value === 'string' &&
        value.toLowerCase().startsWith(String((p as Record<string, unknown>)['equals-ignore-case']).toLowerCase())
      );
    }
    return typeof value === 'string' && value.startsWith(String(p));
  }
  if ('suffix' in op) return typeof value === 'string' && value.endsWith(String(op.suffix));
  if ('equals-ignore-case' in op) {
    return typeof value === 'string' && value.toLowerCase() === String(op['equals-ignore-case']).toLowerCase();
  }
  if ('wildcard' in op) {
    const re = new RegExp(
      `^${String(op.wildcard)
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return typeof value === 'string' && re.test(value);
  }
  if ('anything-but' in op) {
    const but = op['anything-but'];
    if (Array.isArray(but)) return !but.some((b) => matchOne(value, b));
    if (typeof but === 'object' && but) return !matchOne(value, but);
    return value !== but;
  }
  if ('numeric' in op) {
    if (typeof value !== 'number') return false;
    const terms = op.numeric as (string | number)[];
    for (let i = 0; i < terms.length; i += 2) {
      const bound = Number(terms[i + 1]);
      const ok = {
        '=': value === bound,
        '<': value < bound,
        '<=': value <= bound,
        '>': value > bound,
        '>=': value >= bound,
      }[String(terms[i]) as '='];
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`Unsupported event pattern operator: ${JSON.stringify(condition)}`);
}

function matchField(value: Json | undefined, conditions: unknown[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((c) => values.some((v) => matchOne(v, c)));
}

/** Whether `event` matches `pattern` (every key of the pattern must match). */
export function matchesPattern(event: unknown, pattern: Record<string, unknown>): boolean {
  const obj = (event ?? {}) as Record<string, Json>;
  return Object.entries(pattern).every(([key, condition]) => {
    const value = typeof obj === 'object' && obj !== null ? obj[key] : undefined;
    if (Array.isArray(condition)) return matchField(value, condition);
    if (condition && typeof condition === 'object') {
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? matchesPattern(value, condition as Record<string, unknown>)
        : false;
    }
    throw new Error(`Event pattern values must be arrays or objects (at ${key})`);
  });
}
