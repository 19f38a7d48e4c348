/**
 * Journey documents: what each document type's bytes must look like and where they are kept.
 * Used by POST /v2/document/upload (the partner) and the hosted session page (the borrower).
 */
import type { Borrower } from '#core/borrowers';
import { ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import type { UploadedFile } from '#http/multipart';
import { insertDocument } from '#store/borrowers';
import { documentObjectKey, putObject } from '#store/documents-bucket';

/** The form field each document type travels in (journey-api.txt "Request Types"), and what its bytes must look like. */
export const DOCUMENTS = {
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

export type DocumentType = keyof typeof DOCUMENTS;

const isPdf = (b: Buffer) => b.subarray(0, 5).toString('latin1') === '%PDF-';
const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** The file of a document type among the uploaded ones, checked to be what the type says (FBX-E-013 otherwise). */
export function documentFile(type: DocumentType, files: UploadedFile[]): UploadedFile {
  const spec = DOCUMENTS[type];
  const file = files.find((f) => f.field === spec.field);
  if (!file || file.bytes.length === 0) {
    throw new ValidationError([{ field: spec.field, message: `must carry the ${type} file` }], 'Invalid file');
  }
  if (!spec.looksRight(file.bytes))
    throw new ValidationError([{ field: spec.field, message: `must be ${spec.kind}` }], 'Invalid file');
  return file;
}

/** Stores a checked document privately and registers it on the customer; returns its documentID. */
export async function storeDocument(
  tenant: Tenant,
  borrower: Pick<Borrower, 'borrowerId'>,
  type: DocumentType,
  file: UploadedFile,
): Promise<string> {
  const documentId = newId('doc');
  const objectKey = documentObjectKey(tenant, borrower.borrowerId, documentId);
  await putObject(objectKey, file.bytes, file.contentType || 'application/octet-stream');
  await insertDocument(tenant, {
    documentId,
    borrowerId: borrower.borrowerId,
    documentType: type,
    contentType: file.contentType,
    objectKey,
    createdAt: new Date().toISOString(),
  });
  return documentId;
}
