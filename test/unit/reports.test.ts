/** Reports: the CSV encoding (RFC 4180), the range rules and each report type's columns. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outstanding, serviceThrough } from '#core/repayment/ledger';
import { csvField, csvHeader, csvRecord, csvRow, parseCsv } from '#core/reports/csv';
import { instantInRange, instantRange, MAX_REPORT_DAYS, rangeIssue } from '#core/reports/reports';
import type { LoanRecord } from '#store/loans';
import { ObjectStream } from '#store/object-stream';
import type { Payment } from '#store/payments';
import {
  type DeliveryRow,
  delinquencyColumns,
  loanBookColumns,
  paymentColumns,
  webhookDeliveryColumns,
} from '../../functions/workflows/report-columns.ts';
import { bnplTerms, ledgerFor, policy } from './repayment/fixtures.ts';

describe('csvField', () => {
  it('writes plain text, numbers, booleans and nothing as they are', () => {
    expect(['abc', 12, 10n, true, false, null, undefined, ''].map(csvField)).toEqual([
      'abc',
      '12',
      '10',
      'true',
      'false',
      '',
      '',
      '',
    ]);
  });

  it('quotes a field holding a comma, a double quote (doubled), CR or LF', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it("defuses text a spreadsheet would run as a formula with a leading ', but keeps signed numbers", () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1 555')).toBe("'+1 555");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1500')).toBe('-1500');
    expect(csvField('-1500.25')).toBe('-1500.25');
    expect(csvField(-3)).toBe('-3');
  });

  it('refuses numbers a CSV cannot carry exactly', () => {
    expect(() => csvField(Number.NaN)).toThrow(RangeError);
    expect(() => csvField(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('csvRecord and parseCsv', () => {
  it('ends each record with CRLF', () => {
    expect(csvRecord(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('round-trips any text that is not a formula, commas, quotes and line breaks included', () => {
    const cell = fc
      .string({ unit: fc.constantFrom('a', 'Z', '1', ',', '"', '\r', '\n', ' ', 'é', '€') })
      .filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((r) => csvRecord(r)).join('');
        expect(parseCsv(text)).toEqual(rows);
      }),
      { seed: 4180, numRuns: 300 },
    );
  });
});

describe('report ranges', () => {
  it('names the field and the reason for a range it refuses', () => {
    expect(rangeIssue('2026-01-01', '2026-01-01')).toBeNull();
    expect(rangeIssue('2026-01-02', '2026-01-01')).toEqual({ field: 'to', message: 'must be on or after from' });
    expect(rangeIssue('2024-01-01', '2024-12-31')).toBeNull(); // 366 days, a leap year
    expect(rangeIssue('2025-01-01', '2026-01-01')).toBeNull(); // 366 days
    expect(rangeIssue('2025-01-01', '2026-01-02')).toEqual({
      field: 'to',
      message: 'must be at most 366 days after from (inclusive)',
    });
    expect(MAX_REPORT_DAYS).toBe(366);
  });

  it("covers the lender's days (Asia/Jakarta, UTC+7): from 17:00 UTC the day before to 17:00 UTC the last day", () => {
    expect(instantRange('2026-11-01', '2026-11-30')).toEqual({
      start: '2026-10-31T17:00:00.000Z',
      end: '2026-11-30T17:00:00.000Z',
    });
    expect(instantInRange('2026-10-31T17:00:00.000Z', '2026-11-01', '2026-11-01')).toBe(true);
    expect(instantInRange('2026-10-31T16:59:59.999Z', '2026-11-01', '2026-11-01')).toBe(false);
    expect(instantInRange('2026-11-01T16:59:59.999Z', '2026-11-01', '2026-11-01')).toBe(true);
    expect(instantInRange('2026-11-01T17:00:00.000Z', '2026-11-01', '2026-11-01')).toBe(false);
  });
});

const record = (overrides: Partial<LoanRecord> = {}): LoanRecord => {
  const ledger = ledgerFor(bnplTerms(), 'id-p2p-consumptive', 'loan_report1');
  return {
    loanId: 'loan_report1',
    borrowerId: 'bor_report1',
    origin: 'partner',
    kind: 'BNPL',
    reference: 'order, "42"',
    product: 'id-p2p-consumptive',
    clockOffsetDays: 0,
    version: 1,
    disbursedAt: '2026-03-02T03:00:00.000Z',
    updatedAt: '2026-03-02T03:00:00.000Z',
    ledger,
    nextServiceOn: null,
    ...overrides,
  };
};

/** The header and one row of a report, parsed back into an object by column name. */
const rowOf = <T>(columns: Parameters<typeof csvHeader<T>>[0], row: T) => {
  const [header, values] = parseCsv(csvHeader(columns) + csvRow(columns, row)) as [string[], string[]];
  return Object.fromEntries(header.map((h, i) => [h, values[i]]));
};

describe('report columns', () => {
  it('loan book: the loan as GET /v1/loans shows it, amounts in major units as exact decimal text', () => {
    const r = record();
    const row = rowOf(loanBookColumns, r);
    expect(row).toMatchObject({
      loan_id: 'loan_report1',
      borrower_id: 'bor_report1',
      type: 'BNPL',
      product: 'id-p2p-consumptive',
      reference: 'order, "42"',
      currency: 'IDR',
      principal: '1000000',
      outstanding: outstanding(r.ledger).toString(),
      status: 'DISBURSED',
      days_past_due: '0',
      delinquency_bucket: 'CURRENT',
      installments: '4',
      installments_paid: '0',
      next_due_date: r.ledger.installments[0]?.dueDate,
      disbursement_date: '2026-03-02',
      disbursed_at: '2026-03-02T03:00:00.000Z',
      settled_on: '',
    });
  });

  it('delinquency: what is overdue per component, since the oldest overdue due date, in its bucket', () => {
    const opened = record().ledger;
    const first = opened.installments[0]?.dueDate as string;
    const { ledger } = serviceThrough(opened, '2026-03-20', policy());
    const row = rowOf(delinquencyColumns, record({ ledger }));
    const overdue = ledger.installments.filter((i) => i.status === 'OVERDUE');
    expect(overdue.length).toBeGreaterThan(0);
    const sum = (k: 'principal' | 'interest' | 'fee' | 'penalty') =>
      overdue.reduce((s, i) => s + i.due[k] - i.paid[k], 0n).toString();
    expect(row).toMatchObject({
      delinquency_bucket: ledger.bucket,
      days_past_due: String(ledger.daysPastDue),
      overdue_since: first,
      overdue_installments: String(overdue.length),
      overdue_principal: sum('principal'),
      overdue_interest: sum('interest'),
      overdue_fee: sum('fee'),
      overdue_penalty: sum('penalty'),
    });
    expect(BigInt(row.overdue_amount as string)).toBe(
      BigInt(sum('principal')) + BigInt(sum('interest')) + BigInt(sum('fee')) + BigInt(sum('penalty')),
    );
    expect(ledger.bucket).not.toBe('CURRENT');
  });

  it('payments: the payment as GET /v1/payments shows it (amounts exact, paid_at the time received)', () => {
    const payment: Payment = {
      paymentId: 'pay_1',
      loanId: 'loan_1',
      borrowerId: 'bor_1',
      provider: 'sandbox',
      providerPaymentId: 'sbp_1',
      channel: 'virtual_account',
      currency: 'IDR',
      amount: '250000',
      status: 'APPLIED',
      appliedOn: '2026-03-05',
      receivedAt: '2026-03-05T02:00:00.000Z',
      allocations: [],
      toCredit: '0',
      reference: '1234500000000123',
    };
    expect(rowOf(paymentColumns, payment)).toEqual({
      payment_id: 'pay_1',
      loan_id: 'loan_1',
      borrower_id: 'bor_1',
      status: 'APPLIED',
      channel: 'virtual_account',
      provider: 'sandbox',
      provider_payment_id: 'sbp_1',
      reference: '1234500000000123',
      currency: 'IDR',
      amount: '250000',
      to_credit: '0',
      applied_on: '2026-03-05',
      paid_at: '2026-03-05T02:00:00.000Z',
    });
  });

  it('webhook deliveries: attempts, the last answer, and whether it was delivered or went dead', () => {
    const delivery: DeliveryRow = {
      deliveryId: 'dlv_1',
      eventId: 'evt_1',
      eventType: 'loan',
      endpointId: 'whe_1',
      url: 'https://example.com/hooks?a=1,b=2',
      status: 'DEAD',
      attempts: 12,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-04T00:00:00.000Z',
      endpoint: { endpointId: 'whe_1', url: 'https://example.com/hooks?a=1,b=2' },
    };
    const line = csvRow(webhookDeliveryColumns, delivery);
    expect(line).toBe(
      'dlv_1,evt_1,loan,whe_1,"https://example.com/hooks?a=1,b=2",DEAD,12,500,HTTP 500,false,true,2026-03-01T00:00:00.000Z,2026-03-04T00:00:00.000Z\r\n',
    );
  });
});

describe('ObjectStream (the CSV written to S3 as it is produced)', () => {
  /** A stand-in S3 client that records each command by name and input. */
  const fakeS3 = (failOn?: string) => {
    const calls: { name: string; input: any }[] = [];
    return {
      calls,
      client: {
        send: async (command: { constructor: { name: string }; input: any }) => {
          const name = command.constructor.name;
          calls.push({ name, input: command.input });
          if (name === failOn) throw new Error(`${name} failed`);
          if (name === 'CreateMultipartUploadCommand') return { UploadId: 'up-1' };
          if (name === 'UploadPartCommand') return { ETag: `"etag-${command.input.PartNumber}"` };
          return {};
        },
      } as never,
    };
  };

  it('puts an object smaller than a part in one PutObject', async () => {
    const s3 = fakeS3();
    const out = new ObjectStream('reports/x.csv', 'text/csv', s3.client, 'bucket', 64);
    await out.write('a,b\r\n');
    await out.write('1,2\r\n');
    await out.close();
    expect(s3.calls.map((c) => c.name)).toEqual(['PutObjectCommand']);
    expect(String(s3.calls[0]?.input.Body)).toBe('a,b\r\n1,2\r\n');
    expect(out.bytes).toBe(10);
  });

  it('streams a larger one as a multipart upload, part by part, in order', async () => {
    const s3 = fakeS3();
    const out = new ObjectStream('reports/x.csv', 'text/csv', s3.client, 'bucket', 10);
    for (const line of ['0123456789AB', 'cdefghij', 'klm']) await out.write(line);
    await out.close();
    expect(s3.calls.map((c) => c.name)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    // A part goes up once 10 bytes are collected: 12, then 8 + 3.
    const parts = s3.calls.filter((c) => c.name === 'UploadPartCommand').map((c) => String(c.input.Body));
    expect(parts).toEqual(['0123456789AB', 'cdefghijklm']);
    expect(s3.calls.at(-1)?.input.MultipartUpload.Parts).toEqual([
      { ETag: '"etag-1"', PartNumber: 1 },
      { ETag: '"etag-2"', PartNumber: 2 },
    ]);
  });

  it('aborts the multipart upload when a part fails, so no orphan parts stay billed', async () => {
    const s3 = fakeS3('UploadPartCommand');
    const out = new ObjectStream('reports/x.csv', 'text/csv', s3.client, 'bucket', 4);
    await expect(out.write('more than four bytes')).rejects.toThrow(/UploadPartCommand failed/);
    expect(s3.calls.map((c) => c.name)).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'AbortMultipartUploadCommand',
    ]);
  });
});
