/**
 * The sandbox payment gateway's magic amounts, by the rupiah amount's last three digits
 * (functions/workflows/collection.ts planSandboxCallbacks acts on them; /docs and the README
 * show this table).
 */
export const SANDBOX_GATEWAY_MAGIC: Record<string, string> = {
  '991': 'the callback arrives late (15 s)',
  '992': 'the same callback is delivered three times at once (applied once)',
  '993': 'out of order: the PAID callback, then a stale PENDING with a lower sequence (ignored)',
};

export const SANDBOX_GATEWAY_DEFAULT = 'one signed PAID callback within a second';
