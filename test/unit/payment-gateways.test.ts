/** The payment-gateway port: each adapter refuses what it cannot authenticate, then normalizes real bodies exactly. */
import { describe, expect, it } from 'vitest';
import {
  type LendstackError,
  NotConfiguredError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '#core/errors';
import {
  type GatewayConfig,
  gatewayConfigFromEnv,
  gatewayFor,
  midtransSignature,
  type PaymentGateway,
  SANDBOX_SIGNATURE_HEADER,
  type SandboxCallbackBody,
  signSandboxCallback,
  verifiedCallback,
} from '#providers/payment-gateways';

const CONFIG: GatewayConfig = {
  sandboxSecret: 'whsec_sandbox_test',
  xenditCallbackToken: 'xnd_cb_token_1234567890abcdef',
  midtransServerKey: 'SB-Mid-server-unit-test-key',
};
const NOW = new Date('2026-12-01T10:00:00Z');

/**
 * Xendit's fixed virtual account "paid" callback, the API reference's example (also kept field
 * for field in public clients: a Rails engine's controller test, a PHP controller's comment).
 */
const XENDIT_FVA_PAID = {
  updated: '2017-02-15T11:01:52.896Z',
  created: '2017-02-15T11:01:52.896Z',
  payment_id: '1487156512722',
  callback_virtual_account_id: '58a434ba39cc9e4a230d5a2b',
  owner_id: '5824128aa6f9f9b648be9d76',
  external_id: 'fixed-va-1487156410',
  account_number: '1001470126',
  bank_code: 'MANDIRI',
  amount: 80000,
  transaction_timestamp: '2017-02-15T11:01:52.722Z',
  merchant_code: '88464',
  id: '58a435201b6ce2a355f46070',
};

/** The newer fixed VA callback example (currency, sender and payment_detail added). */
const XENDIT_FVA_PAID_DETAILED = {
  id: '598d91b1191029596846047f',
  payment_id: '5f218745736e619164dc8608',
  callback_virtual_account_id: '598d5f71bf64853820c49a18',
  owner_id: '57b4e5181473eeb61c11f9b9',
  external_id: 'demo-1502437214715',
  account_number: '999939380502',
  bank_code: 'BNC',
  transaction_timestamp: '2021-07-24T05:22:55.115Z',
  amount: 50000,
  merchant_code: '90100010',
  currency: 'IDR',
  country: 'ID',
  sender_name: 'Michael Chen',
  payment_detail: {
    payment_interface: 'MOBILE_BANKING',
    remark: 'Sent by Michael for my package',
    reference: '66143641700',
    sender_account_number: '12345678912345',
    sender_channel_code: 'BNC',
    sender_name: 'Michael Chen',
    transfer_method: 'INHOUSE',
  },
};

/** Xendit's QR Codes API (2022-07-31) payment callback example. */
const XENDIT_QR_PAYMENT = {
  event: 'qr.payment',
  api_version: '2022-07-31',
  business_id: '58cd618ba0464eb64acdb246',
  created: '2022-10-22T06:30:05.86474Z',
  data: {
    id: 'qrpy_8182837te-87st-49ing-8696-1239bd4d759c',
    business_id: '58cd618ba0464eb64acdb246',
    currency: 'IDR',
    amount: 10000,
    status: 'SUCCEEDED',
    created: '2022-10-22T06:30:05.86474Z',
    qr_id: 'qr_61cb3576-3a25-4d35-8d15-0e8e3bdba4f2',
    qr_string:
      '0002010102##########CO.XENDIT.WWW011893600#######14220002152#####414220010303TTT####015CO.XENDIT.WWW02180000000000000000000TTT52045######ID5911XenditQRIS6007Jakarta6105121606##########3k1mOnF73h11111111#3k1mOnF73h6v53033605401163040BDB',
    reference_id: 'order-id-1666420204',
    type: 'DYNAMIC',
    channel_code: 'ID_DANA',
    expires_at: '2022-10-23T09:56:43.60445Z',
    description: '',
    basket: null,
    metadata: null,
    payment_detail: { receipt_id: '000111666', source: 'GOPAY', name: null, account_details: null },
  },
};

/** Xendit's earlier (v1 QR Codes API) flat qr.payment callback example. */
const XENDIT_QR_PAYMENT_V1 = {
  event: 'qr.payment',
  id: 'qrpy_8182837te-87st-49ing-8696-1239bd4d759c',
  amount: 1500,
  created: '2020-01-08T18:18:18.857Z',
  qr_code: {
    id: 'qr_8182837te-87st-49ing-8696-1239bd4d759c',
    external_id: 'testing_id_123',
    qr_string:
      '0002010102##########CO.XENDIT.WWW011893600#######14220002152#####414220010303TTT####015CO.XENDIT.WWW02180000000000000000000TTT52045######ID5911XenditQRIS6007Jakarta6105121606##########3k1mOnF73h11111111#3k1mOnF73h6v53033605401163040BDB',
    type: 'DYNAMIC',
  },
  status: 'COMPLETED',
};

/**
 * Midtrans HTTP notification examples from docs.midtrans.com (QRIS, Permata VA, a payment-link
 * BCA VA with numeric fields, a card capture). Their signature_key was made with Midtrans's own
 * key, so each test re-signs with CONFIG's key; every other field is as published.
 */
const MIDTRANS_QRIS = {
  transaction_type: 'on-us',
  transaction_time: '2021-06-23 14:02:42',
  transaction_status: 'settlement',
  transaction_id: '513f1f01-c9da-474c-9fc9-d5c64364b709',
  status_message: 'midtrans payment notification',
  status_code: '200',
  signature_key:
    '2496c78cac93a70ca08014bdaaff08eb7119ef79ef69c4833d4399cada077147febc1a231992eb8665a7e26d89b1dc323c13f721d21c7485f70bff06cca6eed3',
  settlement_time: '2021-06-23 14:06:48',
  payment_type: 'qris',
  order_id: 'qris-01',
  merchant_id: 'G141532850',
  issuer: 'gopay',
  gross_amount: '5539.00',
  fraud_status: 'accept',
  currency: 'IDR',
  acquirer: 'gopay',
};
const MIDTRANS_PERMATA = {
  status_code: '201',
  status_message: 'midtrans payment notification',
  transaction_id: '6fd88567-62da-43ff-8fe6-5717e430ffc7',
  order_id: '0003960969',
  gross_amount: '150000.00',
  payment_type: 'bank_transfer',
  transaction_time: '2016-06-19 18:23:21',
  transaction_status: 'settlement',
  fraud_status: 'accept',
  permata_va_number: '8562000087926752',
  signature_key:
    'b8d7baceab8967af2fdebb82f497fbf4be957e0147f34e910fe9abfc533f883f1206e6c7a72d111ff61331254e3ff9f609c16cc81762e15d9ee6c53de36c65ff',
};
const MIDTRANS_BCA_PENDING = {
  va_numbers: [{ va_number: '00018929808', bank: 'bca' }],
  transaction_time: '2022-03-22 17:22:21',
  transaction_status: 'pending',
  transaction_id: '1d02cdda-a424-4e6e-a711-154f004bc26d',
  status_message: 'midtrans payment notification',
  status_code: 201,
  signature_key:
    'caa79748f56892a8664633331d6b719320ccda008d44d10d56156988700ca37067b9d6531d0b4778366707ce0fb859ea6f38499f6f03283f48007e6d77956afe',
  payment_type: 'bank_transfer',
  payment_amounts: [],
  order_id: 'merchant-order-id-1-1647944535605',
  merchant_id: 'G379181825',
  gross_amount: 10000,
  fraud_status: 'accept',
  custom_field1: 'merchant-order-id-1',
  currency: 'IDR',
};
const MIDTRANS_CARD_CAPTURE = {
  transaction_time: '2020-01-09 18:27:19',
  transaction_status: 'capture',
  transaction_id: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
  status_message: 'midtrans payment notification',
  status_code: '200',
  signature_key:
    '16d6f84b2fb0468e2a9cf99a8ac4e5d803d42180347aaa70cb2a7abb13b5c6130458ca9c71956a962c0827637cd3bc7d40b21a8ae9fab12c7c3efe351b18d00a',
  payment_type: 'credit_card',
  order_id: 'Postman-1578568851',
  merchant_id: 'G141532850',
  masked_card: '48111111-1114',
  gross_amount: '10000.00',
  fraud_status: 'accept',
  eci: '05',
  currency: 'IDR',
  channel_response_message: 'Approved',
  channel_response_code: '00',
  card_type: 'credit',
  bank: 'bni',
  approval_code: '1578569243927',
};

/** A Midtrans body signed as Midtrans would with CONFIG's server key. */
function midtransSigned(body: Record<string, unknown>, key = CONFIG.midtransServerKey!): string {
  const signature_key = midtransSignature(
    String(body.order_id),
    String(body.status_code),
    String(body.gross_amount),
    key,
  );
  return JSON.stringify({ ...body, signature_key });
}

const sandboxBody = (overrides: Partial<SandboxCallbackBody> = {}): string =>
  JSON.stringify({
    id: 'sbpay_01JD9',
    status: 'PAID',
    channel: 'virtual_account',
    amount: '1250000',
    va_number: '1234512345678901',
    bank_code: 'BCA',
    paid_at: '2026-12-01T09:59:00Z',
    sequence: 2,
    ...overrides,
  } satisfies SandboxCallbackBody);

/** The error verify throws, asserting it is the 401 kind. */
function refusal(gateway: PaymentGateway, headers: Record<string, string | undefined>, body: string, now = NOW) {
  try {
    gateway.verify(headers, body, now);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as LendstackError).type).toBe('unauthenticated');
    expect((error as LendstackError).code).toBe('invalid_gateway_signature');
    return error;
  }
  throw new Error('verify accepted the callback');
}

describe('gatewayFor', () => {
  it('refuses a gateway whose secret is not configured, and an unknown provider', () => {
    for (const provider of ['sandbox', 'xendit', 'midtrans']) {
      expect(() => gatewayFor(provider, {})).toThrow(NotConfiguredError);
    }
    expect(() => gatewayFor('stripe', CONFIG)).toThrow(NotFoundError);
    expect(gatewayFor('midtrans', CONFIG).provider).toBe('midtrans');
  });

  it('reads the configuration from the environment the caller passes', () => {
    expect(
      gatewayConfigFromEnv({
        PAYMENT_GATEWAY_SANDBOX_SECRET: 's',
        XENDIT_CALLBACK_TOKEN: 'x',
        MIDTRANS_SERVER_KEY: 'm',
        OTHER: 'o',
      }),
    ).toEqual({ sandboxSecret: 's', xenditCallbackToken: 'x', midtransServerKey: 'm' });
    expect(gatewayConfigFromEnv({ XENDIT_CALLBACK_TOKEN: '' })).toEqual({});
  });
});

describe('sandbox gateway', () => {
  const gateway = gatewayFor('sandbox', CONFIG);

  it('accepts its own signature, in any header casing, and parses the body exactly', () => {
    const body = sandboxBody();
    const signature = signSandboxCallback(body, CONFIG.sandboxSecret!, NOW);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const callback = verifiedCallback(gateway, { 'X-Lendstack-Gateway-Signature': signature }, body, NOW);
    expect(callback).toEqual({
      provider: 'sandbox',
      providerPaymentId: 'sbpay_01JD9',
      status: 'PAID',
      channel: 'virtual_account',
      amount: 1_250_000n,
      currency: 'IDR',
      vaNumber: '1234512345678901',
      bankCode: 'BCA',
      paidAt: '2026-12-01T09:59:00Z',
      sequence: 2,
      raw: JSON.parse(body),
    });
  });

  it('accepts a signature up to 300 s old and refuses one older (or from further in the future)', () => {
    const body = sandboxBody();
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    const signature = signSandboxCallback(body, CONFIG.sandboxSecret!, NOW);
    expect(() => gateway.verify({ [SANDBOX_SIGNATURE_HEADER]: signature }, body, at(300))).not.toThrow();
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: signature }, body, at(301));
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: signature }, body, at(-301));
  });

  it('refuses a missing, forged, truncated or re-keyed signature, and a changed body', () => {
    const body = sandboxBody();
    const good = signSandboxCallback(body, CONFIG.sandboxSecret!, NOW);
    const t = Math.floor(NOW.getTime() / 1000);
    refusal(gateway, {}, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: '' }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: `t=${t},v1=${'0'.repeat(64)}` }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: good.slice(0, -2) }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: `${good}00` }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: `t=${t},v1=not-hex` }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: signSandboxCallback(body, 'another-secret', NOW) }, body);
    refusal(gateway, { [SANDBOX_SIGNATURE_HEADER]: good }, sandboxBody({ amount: '99999999' }));
  });

  it('never parses what it refused: verifiedCallback throws 401 before the body is read', () => {
    expect(() => verifiedCallback(gateway, {}, 'not json at all', NOW)).toThrow(UnauthenticatedError);
  });

  it('refuses a malformed body with a ValidationError naming the fields', () => {
    const bad = JSON.stringify({ id: '', status: 'DONE', channel: 'cash', amount: '12.5', sequence: -1 });
    try {
      gateway.parse(bad);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.map((d) => d.field).sort()).toEqual(
        ['amount', 'channel', 'id', 'sequence', 'status'].sort(),
      );
    }
    expect(() => gateway.parse('{')).toThrow(ValidationError);
    expect(() => gateway.parse('[]')).toThrow(ValidationError);
  });

  it('keeps amounts beyond 2^53 exact when sent as digit strings, and parses QRIS and link callbacks', () => {
    const huge = gateway.parse(sandboxBody({ amount: '90071992547409930' }));
    expect(huge.amount).toBe(90_071_992_547_409_930n);
    const qris = gateway.parse(
      sandboxBody({
        channel: 'qris',
        va_number: undefined,
        bank_code: undefined,
        qr_reference: 'qr_01J',
        amount: 5000,
      }),
    );
    expect(qris).toMatchObject({ channel: 'qris', qrReference: 'qr_01J', amount: 5000n });
    expect(qris.vaNumber).toBeUndefined();
    const link = gateway.parse(sandboxBody({ channel: 'payment_link', link_token: 'plt_abc', status: 'EXPIRED' }));
    expect(link).toMatchObject({ channel: 'payment_link', linkToken: 'plt_abc', status: 'EXPIRED' });
  });
});

describe('xendit gateway', () => {
  const gateway = gatewayFor('xendit', CONFIG);
  const token = { 'x-callback-token': CONFIG.xenditCallbackToken };

  it('accepts the configured callback token and refuses a missing, wrong or wrong-length one', () => {
    const body = JSON.stringify(XENDIT_FVA_PAID);
    expect(() => gateway.verify(token, body)).not.toThrow();
    expect(() => gateway.verify({ 'X-CALLBACK-TOKEN': CONFIG.xenditCallbackToken }, body)).not.toThrow();
    refusal(gateway, {}, body);
    refusal(gateway, { 'x-callback-token': '' }, body);
    refusal(gateway, { 'x-callback-token': CONFIG.xenditCallbackToken!.replace(/.$/, 'X') }, body);
    refusal(gateway, { 'x-callback-token': CONFIG.xenditCallbackToken!.slice(0, -1) }, body);
    refusal(gateway, { 'x-callback-token': `${CONFIG.xenditCallbackToken}0` }, body);
  });

  it("parses the fixed VA paid callback of Xendit's API reference", () => {
    const body = JSON.stringify(XENDIT_FVA_PAID);
    expect(verifiedCallback(gateway, token, body)).toEqual({
      provider: 'xendit',
      providerPaymentId: '1487156512722',
      status: 'PAID',
      channel: 'virtual_account',
      amount: 80_000n,
      currency: 'IDR',
      vaNumber: '1001470126',
      bankCode: 'MANDIRI',
      externalId: 'fixed-va-1487156410',
      paidAt: '2017-02-15T11:01:52.722Z',
      raw: XENDIT_FVA_PAID,
    });
    expect(gateway.parse(JSON.stringify(XENDIT_FVA_PAID_DETAILED))).toMatchObject({
      providerPaymentId: '5f218745736e619164dc8608',
      amount: 50_000n,
      vaNumber: '999939380502',
      bankCode: 'BNC',
      externalId: 'demo-1502437214715',
    });
  });

  it('parses the qr.payment callback (2022-07-31 and the earlier flat shape)', () => {
    expect(gateway.parse(JSON.stringify(XENDIT_QR_PAYMENT))).toEqual({
      provider: 'xendit',
      providerPaymentId: 'qrpy_8182837te-87st-49ing-8696-1239bd4d759c',
      status: 'PAID',
      channel: 'qris',
      amount: 10_000n,
      currency: 'IDR',
      qrReference: 'order-id-1666420204',
      externalId: 'order-id-1666420204',
      paidAt: '2022-10-22T06:30:05.86474Z',
      raw: XENDIT_QR_PAYMENT,
    });
    expect(gateway.parse(JSON.stringify(XENDIT_QR_PAYMENT_V1))).toMatchObject({
      providerPaymentId: 'qrpy_8182837te-87st-49ing-8696-1239bd4d759c',
      status: 'PAID',
      channel: 'qris',
      amount: 1_500n,
      qrReference: 'testing_id_123',
    });
  });

  it('refuses a body that is no known callback, a fractional rupiah amount, a foreign currency', () => {
    expect(() => gateway.parse(JSON.stringify({ hello: 'world' }))).toThrow(ValidationError);
    expect(() => gateway.parse(JSON.stringify({ ...XENDIT_FVA_PAID, amount: 80000.5 }))).toThrow(ValidationError);
    expect(() => gateway.parse(JSON.stringify({ ...XENDIT_FVA_PAID_DETAILED, currency: 'PHP' }))).toThrow(
      ValidationError,
    );
    expect(() =>
      gateway.parse(JSON.stringify({ ...XENDIT_QR_PAYMENT, data: { ...XENDIT_QR_PAYMENT.data, status: 'WHATEVER' } })),
    ).toThrow(ValidationError);
  });
});

describe('midtrans gateway', () => {
  const gateway = gatewayFor('midtrans', CONFIG);

  it('accepts a body signed with the server key and refuses a forged, missing, wrong-length or other-key one', () => {
    const body = midtransSigned(MIDTRANS_QRIS);
    expect(() => gateway.verify({}, body)).not.toThrow();
    // The published signature was made with another key.
    refusal(gateway, {}, JSON.stringify(MIDTRANS_QRIS));
    refusal(gateway, {}, midtransSigned(MIDTRANS_QRIS, 'SB-Mid-server-someone-else'));
    const { signature_key, ...unsigned } = JSON.parse(body);
    refusal(gateway, {}, JSON.stringify(unsigned));
    refusal(gateway, {}, JSON.stringify({ ...unsigned, signature_key: signature_key.slice(0, -2) }));
    refusal(gateway, {}, JSON.stringify({ ...unsigned, signature_key: `${signature_key}00` }));
    refusal(gateway, {}, JSON.stringify({ ...unsigned, signature_key: 'zz'.repeat(64) }));
    // The amount is signed: raising it breaks the signature.
    refusal(gateway, {}, JSON.stringify({ ...JSON.parse(body), gross_amount: '55390.00' }));
    refusal(gateway, {}, 'not json');
  });

  it('parses the QRIS settlement: "5539.00" is exactly Rp5,539, paid at Jakarta time', () => {
    const body = midtransSigned(MIDTRANS_QRIS);
    expect(verifiedCallback(gateway, {}, body)).toEqual({
      provider: 'midtrans',
      providerPaymentId: '513f1f01-c9da-474c-9fc9-d5c64364b709',
      status: 'PAID',
      channel: 'qris',
      amount: 5_539n,
      currency: 'IDR',
      externalId: 'qris-01',
      qrReference: 'qris-01',
      paidAt: '2021-06-23T14:06:48+07:00',
      raw: JSON.parse(body),
    });
  });

  it('parses VA notifications: Permata by permata_va_number, BCA by va_numbers (numeric fields too)', () => {
    expect(verifiedCallback(gateway, {}, midtransSigned(MIDTRANS_PERMATA))).toMatchObject({
      providerPaymentId: '6fd88567-62da-43ff-8fe6-5717e430ffc7',
      status: 'PAID',
      channel: 'virtual_account',
      amount: 150_000n,
      vaNumber: '8562000087926752',
      bankCode: 'PERMATA',
      externalId: '0003960969',
    });
    expect(verifiedCallback(gateway, {}, midtransSigned(MIDTRANS_BCA_PENDING))).toMatchObject({
      status: 'PENDING',
      channel: 'virtual_account',
      amount: 10_000n,
      vaNumber: '00018929808',
      bankCode: 'BCA',
    });
  });

  it('maps every transaction_status, and a challenged card capture stays PENDING', () => {
    const statusOf = (transaction_status: string, extra: Record<string, unknown> = {}) =>
      gateway.parse(JSON.stringify({ ...MIDTRANS_CARD_CAPTURE, transaction_status, ...extra })).status;
    expect(statusOf('capture')).toBe('PAID');
    expect(statusOf('capture', { fraud_status: 'challenge' })).toBe('PENDING');
    expect(statusOf('settlement')).toBe('PAID');
    expect(statusOf('pending')).toBe('PENDING');
    expect(statusOf('expire')).toBe('EXPIRED');
    for (const failed of ['cancel', 'deny', 'failure']) expect(statusOf(failed)).toBe('FAILED');
    expect(statusOf('refund')).toBe('REFUNDED');
    expect(() => statusOf('authorize-ish')).toThrow(ValidationError);
    expect(gateway.parse(JSON.stringify(MIDTRANS_CARD_CAPTURE))).toMatchObject({
      channel: 'payment_link',
      amount: 10_000n,
      externalId: 'Postman-1578568851',
    });
  });

  it('converts gross_amount exactly and refuses sub-rupiah amounts', () => {
    for (const [gross, rupiah] of [
      ['10000.00', 10_000n],
      ['9999999999999.00', 9_999_999_999_999n],
      ['1.0', 1n],
    ] as const) {
      expect(gateway.parse(JSON.stringify({ ...MIDTRANS_QRIS, gross_amount: gross })).amount).toBe(rupiah);
    }
    expect(() => gateway.parse(JSON.stringify({ ...MIDTRANS_QRIS, gross_amount: '10000.50' }))).toThrow(
      ValidationError,
    );
  });
});
