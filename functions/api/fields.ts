/** zod fields shared by several surfaces' schemas. */
import * as z from 'zod';
import { normaliseMobile } from '#core/identity';

const COUNTRY_NAME = { ID: 'Indonesian', IN: 'Indian' } as const;

/** A mobile number of `country`, validated by libphonenumber and stored in E.164. */
export function mobileNumber(country: 'ID' | 'IN', description: string) {
  return z
    .string({ error: 'is required' })
    .describe(description)
    .transform((value, ctx) => {
      const e164 = normaliseMobile(value, country);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: `is not a valid ${COUNTRY_NAME[country]} mobile number` });
        return z.NEVER;
      }
      return e164;
    });
}
