import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { http } from '#http/middleware';
import { parseMultipart } from '#http/multipart';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { DOCUMENTS, type DocumentType, documentFile, MAX_DOCUMENT_BYTES, storeDocument } from './documents.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';
import { PROGRAMS } from './schemas.ts';

type Route = typeof routes.journeyUploadDocument;

/** POST /v2/document/upload (multipart): AADHAAR_XML, SELFIE, LOAN_AGREEMENT, BUSINESS_PROOF_DOC, checked and stored privately. */
const uploadDocument = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const principal = event.input.principal;
  const { fields, files } = await parseMultipart(event, MAX_DOCUMENT_BYTES);
  const customerID = fields.customerID;
  if (!customerID) throw new ValidationError([{ field: 'customerID', message: 'is required' }]);
  if (fields.program && !(PROGRAMS as readonly string[]).includes(fields.program)) {
    throw new ValidationError([{ field: 'program', message: `must be one of ${PROGRAMS.join(', ')}` }]);
  }
  const type = fields.documentType as DocumentType;
  if (!Object.hasOwn(DOCUMENTS, type)) {
    throw new ValidationError([
      { field: 'documentType', message: `must be one of ${Object.keys(DOCUMENTS).join(', ')}` },
    ]);
  }
  const file = documentFile(type, files);
  const borrower = await getBorrowerByCustomerId(principal, customerID);
  const documentId = await storeDocument(principal, borrower, type, file);
  return journeyOk({ documentID: documentId, documentType: type }, 'UDC-S-000');
};

export const handler = middy(uploadDocument).use(http(routes.journeyUploadDocument));
