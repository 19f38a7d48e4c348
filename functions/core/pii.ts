/**
 * PII and secrets never reach a log line in clear. Keys are matched case-insensitively,
 * ignoring `_` and `-`, so `accountNumber`, `account_number` and `Account-Number` all count.
 */
const MASK_TAIL = new Set(['nik', 'phone', 'mobile', 'pan', 'aadhaar', 'accountnumber', 'directornik', 'npwp', 'nib']);
const REDACT = new Set([
  'clientsecret',
  'apikey',
  'xapikey',
  'secret',
  'authkey',
  'finfraauthkey',
  'password',
  'authorization',
  'accesstoken',
  'refreshtoken',
  'token',
  'otp',
  'pin',
]);
const MASK_EMAIL = new Set(['email']);

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Masks one value by the name of the field it is in; other values pass unchanged. */
export function maskField(key: string, value: unknown): unknown {
  const k = normalise(key);
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const text = String(value);
  if (REDACT.has(k)) return '[REDACTED]';
  if (MASK_TAIL.has(k)) return text.length <= 4 ? '****' : `${'*'.repeat(text.length - 4)}${text.slice(-4)}`;
  if (MASK_EMAIL.has(k)) {
    const [user = '', domain = ''] = text.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  return value;
}

/** A JSON.stringify replacer that masks PII: the logger serialises every line through it. */
export function piiReplacer(key: string, value: unknown): unknown {
  return key ? maskField(key, value) : value;
}
