import middy from '@middy/core';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { insertDocument } from '#store/borrowers';
import { documentObjectKey, presignUpload } from '#store/documents-bucket';
import { routes } from './routes.ts';

type Route = typeof routes.createDocument;

/** POST /api/documents: registers the document and returns a presigned PUT URL (15 minutes). */
const createDocument = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { body, principal } = input;
  const documentId = newId('doc');
  const objectKey = documentObjectKey(principal, body.userId, documentId);
  await insertDocument(principal, {
    documentId,
    borrowerId: body.userId,
    documentType: body.document_type,
    contentType: body.content_type,
    objectKey,
    createdAt: new Date().toISOString(),
  });
  const upload = await presignUpload(objectKey, body.content_type);
  return { statusCode: 201, body: { documentId, upload_url: upload.url, expires_at: upload.expiresAt } };
};

export const handler = middy(createDocument).use(http(routes.createDocument));
