/**
 * The private documents bucket. Uploads go straight from the client to S3 with a presigned
 * PUT; lendstack never proxies document bytes.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Tenant } from '#core/tenant';

/**
 * Checksums only when S3 requires them: a presigned PUT then works with a plain `curl -T`,
 * and S3-compatible local servers (s3rver) store streamed bodies without chunk framing.
 */
export const s3 = new S3Client({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
});

export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

export function bucket(): string {
  const name = process.env.DOCUMENTS_BUCKET;
  if (!name) throw new Error('DOCUMENTS_BUCKET is not set');
  return name;
}

/** Where a tenant's document lives: tenant first, so a bucket policy or lifecycle rule can scope by prefix. */
export function documentObjectKey(tenant: Tenant, borrowerId: string, documentId: string): string {
  return `${tenant.mode}/${tenant.partnerId}/${borrowerId}/${documentId}`;
}

export async function presignUpload(
  objectKey: string,
  contentType: string,
): Promise<{ url: string; expiresAt: string }> {
  const url = await getSignedUrl(
    s3,
    new PutObjectCommand({ Bucket: bucket(), Key: objectKey, ContentType: contentType }),
    {
      expiresIn: UPLOAD_URL_TTL_SECONDS,
    },
  );
  return { url, expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString() };
}

/** Size of an uploaded object, or null when nothing was uploaded. */
export async function uploadedSize(objectKey: string): Promise<number | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: objectKey }));
    return head.ContentLength ?? 0;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')))
      return null;
    throw error;
  }
}

export async function readObject(objectKey: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: objectKey }));
  return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
}

export async function putObject(objectKey: string, body: Uint8Array, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: objectKey, Body: body, ContentType: contentType }));
}

/** A link to read an object for a while (agreements shown to partners). */
export async function presignDownload(objectKey: string, seconds = UPLOAD_URL_TTL_SECONDS): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket(), Key: objectKey }), { expiresIn: seconds });
}
