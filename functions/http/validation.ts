import type * as z from 'zod';
import type { FieldIssue } from '#core/errors';

/** zod issues as `{ field, message }`, the field a dotted path (`business.nib`, `query.limit`). */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return { field: path || 'body', message: missing ? 'is required' : issue.message };
  });
}
