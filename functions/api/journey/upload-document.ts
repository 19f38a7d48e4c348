import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import { parseMultipart } from '#http/multipart';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId, insertDocument } from '#store/borrowers';
import { documentObjectKey, putObject } from '#store/documents-bucket';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';
import { PROGRAMS } from './schemas.ts';

type Route = typeof routes.journeyUploadDocument;

/** The form field each document type travels in (journey-api.txt "Request Types"), and what its bytes must look like. */
const DOCUMENTS = {
  AADHAAR_XML: {
    field: 'digilocker_aadhaar_xml',
    looksRight: (b: Buffer) => /OfflinePaperlessKyc/.test(b.subarray(0, 4096).toString('utf8')),
    kind: 'an offline e-KYC XML (OfflinePaperlessKyc)',
  },
  SELFIE: { field: 'selfie', looksRight: (b: Buffer) => isJpeg(b) || isPng(b), kind: 'a JPEG or PNG image' },
  LOAN_AGREEMENT: { field: 'agreement', looksRight: (b: Buffer) => isPdf(b), kind: 'a PDF' },
  BUSINESS_PROOF_DOC: {
    field: 'business_proof_doc',
    looksRight: (b: Buffer) => isPdf(b) || isJpeg(b) || isPng(b),
    kind: 'a PDF or an image',
  },
} as const;

const isPdf = (b: Buffer) => b.subarray(0, 5).toString('latin1') === '%PDF-';
const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** POST /v2/document/upload (multipart): AADHAAR_XML, SELFIE, LOAN_AGREEMENT, BUSINESS_PROOF_DOC, checked and stored privately. */
const uploadDocument = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const principal = event.input.principal;
  const { fields, files } = await parseMultipart(event, MAX_DOCUMENT_BYTES);
  const customerID = fields.customerID;
  if (!customerID) throw new ValidationError([{ field: 'customerID', message: 'is required' }]);
  if (fields.program && !(PROGRAMS as readonly string[]).includes(fields.program)) {
    throw new ValidationError([{ field: 'program', message: `must be one of ${PROGRAMS.join(', ')}` }]);
  }
  const type = fields.documentType as keyof typeof DOCUMENTS;
  const spec = DOCUMENTS[type];
  if (!spec) {
    throw new ValidationError([
      { field: 'documentType', message: `must be one of ${Object.keys(DOCUMENTS).join(', ')}` },
    ]);
  }
  const file = files.find((f) => f.field === spec.field);
  if (!file || file.bytes.length === 0) {
    throw new ValidationError([{ field: spec.field, message: `must carry the ${type} file` }], 'Invalid file');
  }
  if (!spec.looksRight(file.bytes))
    throw new ValidationError([{ field: spec.field, message: `must be ${spec.kind}` }], 'Invalid file');
  const borrower = await getBorrowerByCustomerId(principal, customerID);
  const documentId = newId('doc');
  const objectKey = documentObjectKey(principal, borrower.borrowerId, documentId);
  await putObject(objectKey, file.bytes, file.contentType || 'application/octet-stream');
  await insertDocument(principal, {
    documentId,
    borrowerId: borrower.borrowerId,
    documentType: type,
    contentType: file.contentType,
    objectKey,
    createdAt: new Date().toISOString(),
  });
  return journeyOk({ documentID: documentId, documentType: type }, 'UDC-S-000');
};

export const handler = middy(uploadDocument).use(http(routes.journeyUploadDocument));
