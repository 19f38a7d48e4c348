/**
 * A small rules engine for credit policies: conditions are data (JSON-able), evaluated
 * against facts. Policies (policies.ts) are versioned data built from these conditions, so a
 * credit team changes a policy by changing data, and every decision names the rules it used.
 */
export type Fact = string | number | boolean | null | undefined | readonly string[];
export type Facts = Record<string, Fact>;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: string; op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'neq'; value: number | string | boolean }
  | { fact: string; op: 'in' | 'nin'; value: readonly (string | number)[] }
  | { fact: string; op: 'exists' | 'missing' };

/** Whether `condition` holds for `facts`. A comparison with a missing fact is false. */
export function holds(condition: Condition, facts: Facts): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, facts));
  if ('any' in condition) return condition.any.some((c) => holds(c, facts));
  if ('not' in condition) return !holds(condition.not, facts);
  const value = facts[condition.fact];
  switch (condition.op) {
    case 'exists':
      return value !== undefined && value !== null;
    case 'missing':
      return value === undefined || value === null;
    case 'in':
      return value !== undefined && value !== null && condition.value.includes(value as string | number);
    case 'nin':
      return value !== undefined && value !== null && !condition.value.includes(value as string | number);
    default: {
      if (value === undefined || value === null) return false;
      const [a, b] = [value, condition.value];
      switch (condition.op) {
        case 'lt':
          return a < b;
        case 'lte':
          return a <= b;
        case 'gt':
          return a > b;
        case 'gte':
          return a >= b;
        case 'eq':
          return a === b;
        case 'neq':
          return a !== b;
      }
    }
  }
}

/** A rule rejects when its condition holds. */
export interface RejectRule {
  id: string;
  /** The reason shown to the partner (outputVariables.rejectionReason). */
  reason: string;
  rejectWhen: Condition;
}

/** The first rule that rejects, or null. */
export function firstRejection(rules: readonly RejectRule[], facts: Facts): RejectRule | null {
  return rules.find((r) => holds(r.rejectWhen, facts)) ?? null;
}
