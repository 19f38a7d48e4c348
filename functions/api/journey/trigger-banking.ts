import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { checkStatement } from '#core/banking';
import { ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import { parseMultipart, type UploadedFile } from '#http/multipart';
import type { ApiEvent, ApiResult } from '#http/route';
import { SANDBOX_BANKS } from '#providers/banks';
import { readStatement } from '#providers/statement-reader';
import { type BankAnalysis, saveAnalysis } from '#store/banking';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerBanking;

const MAX_STATEMENT_BYTES = 5 * 1024 * 1024;

/** The statements in the request: PDF files, or (uploadType BASE64) base64 text in `files`. */
function statements(fields: Record<string, string>, files: UploadedFile[]): Buffer[] {
  const uploadType = (fields.uploadType ?? 'PDF').toUpperCase();
  if (uploadType === 'BASE64') {
    const text = fields.files ?? '';
    const bytes = Buffer.from(text.replace(/^data:[^,]*,/, ''), 'base64');
    if (bytes.length > MAX_STATEMENT_BYTES)
      throw new ValidationError([{ field: 'files', message: 'is larger than 5 MB' }]);
    return bytes.length ? [bytes] : [];
  }
  if (uploadType !== 'PDF') throw new ValidationError([{ field: 'uploadType', message: 'must be PDF or BASE64' }]);
  return files.filter((f) => f.field === 'files').map((f) => f.bytes);
}

/**
 * POST /v2/user/bank/analyse (multipart): reads each statement's text and checks it against
 * the bank chosen and the accepted date range. The verdict is stored at once; GET polls it.
 */
const triggerBanking = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const principal = event.input.principal;
  const { fields, files } = await parseMultipart(event, MAX_STATEMENT_BYTES);
  if (!fields.customerID) throw new ValidationError([{ field: 'customerID', message: 'is required' }]);
  const borrower = await getBorrowerByCustomerId(principal, fields.customerID);
  const pdfs = statements(fields, files);
  if (!pdfs.length)
    throw new ValidationError([{ field: 'files', message: 'must carry at least one statement' }], 'Invalid file');

  const referenceId = newId('bnk');
  const base = {
    referenceId,
    customerId: fields.customerID,
    borrowerId: borrower.borrowerId,
    bankName: fields.bankName ?? '',
    createdAt: new Date().toISOString(),
  };
  const fail = (errorCode: string, errorMessage: string): BankAnalysis => ({
    ...base,
    status: 'FAILED',
    errorCode,
    errorMessage,
  });
  const bank = SANDBOX_BANKS.find((b) => b.name.toLowerCase() === (fields.bankName ?? '').toLowerCase());
  let analysis: BankAnalysis;
  if (!fields.bankName) analysis = fail('MISSING_BANK_NAME', "bank_name' is required with 'mode'.");
  else if (!bank) analysis = fail('INVALID_BANK_NAME', 'Invalid bank identifier.');
  else {
    const today = new Date().toISOString().slice(0, 10);
    let verdict: BankAnalysis | undefined;
    let pages = 0;
    let inRange = 0;
    const dates: string[] = [];
    for (const pdf of pdfs) {
      const read = await readStatement(pdf, fields.pdfPassword || undefined);
      if (!read.ok) {
        verdict = fail(
          'INVALID_FILE_OBJECT',
          read.reason === 'password'
            ? 'The PDF is password protected: send the right pdfPassword'
            : 'The file is not a readable PDF',
        );
        break;
      }
      const check = checkStatement(read.text, bank, today);
      if (!check.ok) {
        verdict = fail(check.errorCode, check.errorMessage);
        break;
      }
      pages += read.pages;
      inRange += check.transactionsInRange;
      dates.push(check.firstDate, check.lastDate);
    }
    dates.sort();
    analysis = verdict ?? {
      ...base,
      status: 'SUCCESS',
      errorCode: '',
      errorMessage: '',
      summary: { pages, transactionsInRange: inRange, firstDate: dates[0] ?? '', lastDate: dates.at(-1) ?? '' },
    };
  }
  const digests = pdfs.map((p) => createHash('sha256').update(p).digest('hex'));
  await saveAnalysis(principal, analysis, digests);
  return journeyOk({ referenceID: referenceId }, 'BANK-TBN-S-000');
};

export const handler = middy(triggerBanking).use(http(routes.journeyTriggerBanking));
