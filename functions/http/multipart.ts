/** multipart/form-data from an API Gateway event (busboy), with a size limit per file. */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import busboy from 'busboy';
import { ValidationError } from '#core/errors';
import { lowerHeaders } from './middleware.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export async function parseMultipart(
  event: APIGatewayProxyEvent,
  maxFileBytes: number,
): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  const headers = lowerHeaders(event);
  if (!/^multipart\/form-data/i.test(headers['content-type'] ?? '')) {
    throw new ValidationError([{ field: 'content-type', message: 'must be multipart/form-data' }]);
  }
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let tooLarge: string | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': headers['content-type'] },
        limits: { fileSize: maxFileBytes, files: 5 },
      });
    } catch (error) {
      // busboy throws at once on a content type it cannot read (no boundary, a malformed parameter).
      reject(
        new ValidationError(
          [{ field: 'content-type', message: 'must be multipart/form-data with a boundary' }],
          undefined,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        tooLarge = field;
      });
      // A form cut off inside a file destroys that file's stream with the parser's error: the
      // parser's own 'error' answers the request, and this keeps it from being uncaught.
      stream.on('error', () => undefined);
      stream.on('end', () =>
        files.push({ field, filename: info.filename ?? '', contentType: info.mimeType, bytes: Buffer.concat(chunks) }),
      );
    });
    parser.on('error', (error) =>
      reject(
        new ValidationError([{ field: 'body', message: 'is not valid multipart/form-data' }], undefined, {
          cause: error,
        }),
      ),
    );
    parser.on('close', () => {
      if (tooLarge) {
        reject(new ValidationError([{ field: tooLarge, message: `is larger than ${maxFileBytes / 1024 / 1024} MB` }]));
      } else resolve({ fields, files });
    });
    parser.end(body);
  });
}
