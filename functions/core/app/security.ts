/**
 * The borrower app's secrets and their limits: OTP codes, the security PIN and device keys.
 * Node's crypto only (no AWS): generation, slow hashing, constant-time comparison and the
 * lockout rules, with the numbers documented in one place.
 *
 * OTP (NIST SP 800-63B 5.1.3): 6 digits from a CSPRNG, valid 5 minutes, stored as a salted
 * SHA-256 only (a code lives minutes and its attempts are capped, so a slow KDF adds nothing),
 * 5 wrong attempts per code (then a new code is needed), 60 s between sends to one phone, at
 * most 5 sends an hour per phone and 10 per device.
 *
 * PIN: 6 digits, scrypt (N=2^15, r=8, p=1, 32-byte key, 16-byte random salt; ~32 MiB and
 * tens of ms per try), 3 wrong attempts then locked for 30 minutes or until a fresh login OTP.
 */
import { createHash, createPublicKey, randomBytes, randomInt, scrypt, timingSafeEqual, verify } from 'node:crypto';

export const OTP_POLICY = {
  digits: 6,
  ttlSeconds: 300,
  maxAttempts: 5,
  resendCooldownSeconds: 60,
  perPhonePerHour: 5,
  perDevicePerHour: 10,
} as const;

export const PIN_POLICY = { maxAttempts: 3, lockSeconds: 30 * 60 } as const;

export const BIOMETRIC_POLICY = { challengeTtlSeconds: 300, maxAttempts: 3, lockSeconds: 30 * 60 } as const;

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

/** A random numeric code, uniform over 10^digits (randomInt is a CSPRNG, no modulo bias). */
export function newOtpCode(digits: number = OTP_POLICY.digits): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

/** The stored form of an OTP: salt and SHA-256(salt ‖ code), hex. */
export function hashOtp(code: string, salt = randomBytes(16).toString('hex')) {
  return { salt, hash: createHash('sha256').update(salt).update(code).digest('hex') };
}

export function otpMatches(code: string, stored: { salt: string; hash: string }): boolean {
  const { hash } = hashOtp(code, stored.salt);
  return timingSafeEqual(Buffer.from(hash, 'hex'), Buffer.from(stored.hash, 'hex'));
}

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N, r, p, maxmem: 128 * N * r * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export interface PinHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

/** The stored form of a PIN: scrypt with its parameters, so they can be raised later. */
export async function hashPin(pin: string): Promise<PinHash> {
  const salt = randomBytes(16);
  const key = await scryptAsync(pin, salt);
  const { N, r, p } = SCRYPT_PARAMS;
  return { alg: 'scrypt', N, r, p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function pinMatches(pin: string, stored: PinHash): Promise<boolean> {
  const key = await scryptAsync(pin, Buffer.from(stored.salt, 'base64'));
  const expected = Buffer.from(stored.hash, 'base64');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A PIN the app must refuse: not 6 digits, one digit repeated, or a straight run (123456, 654321). */
export function weakPinReason(pin: string): string | null {
  if (!/^\d{6}$/.test(pin)) return 'format';
  if (/^(\d)\1{5}$/.test(pin)) return 'repeated';
  if ('0123456789'.includes(pin) || '9876543210'.includes(pin)) return 'sequence';
  return null;
}

/** A P-256 public key from the app: base64 DER SubjectPublicKeyInfo (Android) or a raw X9.63 point (iOS, 65 bytes). */
export function parseDevicePublicKey(base64: string): { spki: string } | null {
  try {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) return null;
    const key =
      bytes.length === 65 && bytes[0] === 0x04
        ? createPublicKey({
            key: {
              kty: 'EC',
              crv: 'P-256',
              x: bytes.subarray(1, 33).toString('base64url'),
              y: bytes.subarray(33).toString('base64url'),
            },
            format: 'jwk',
          })
        : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    return { spki: (key.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64') };
  } catch {
    return null;
  }
}

/**
 * Whether `signature` (base64 DER ECDSA, as Android Keystore's SHA256withECDSA and iOS
 * `ecdsaSignatureMessageX962SHA256` produce) signs the UTF-8 bytes of `challengeId` with the
 * key. Anything malformed is simply not a valid signature.
 */
export function challengeSignatureValid(spkiBase64: string, challengeId: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    return verify(
      'sha256',
      Buffer.from(challengeId, 'utf8'),
      { key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
