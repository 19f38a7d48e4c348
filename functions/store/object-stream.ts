/**
 * Writes a large object to the documents bucket as it is produced, in bounded memory: text is
 * collected into parts of {@link PART_BYTES}; an object that stays under one part is a single
 * PutObject, a larger one a multipart upload (S3's parts are at least 5 MiB but the last), and
 * an upload that fails is aborted so no orphan parts are billed. The bucket's default
 * encryption (SSE-S3) applies to both.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { bucket, s3 } from './documents-bucket.ts';

/** 8 MiB parts: S3's 10,000-part limit then allows 80 GB, far more than a report holds. */
export const PART_BYTES = 8 * 1024 * 1024;

export class ObjectStream {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId?: string;
  private parts: { ETag: string; PartNumber: number }[] = [];
  /** Bytes written in all. */
  bytes = 0;

  constructor(
    private readonly key: string,
    private readonly contentType: string,
    private readonly client: Pick<S3Client, 'send'> = s3,
    private readonly bucketName: string = bucket(),
    private readonly partBytes: number = PART_BYTES,
  ) {}

  /** Adds text; uploads a part once enough is collected. */
  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.bytes += chunk.length;
    if (this.buffered >= this.partBytes) await this.flushPart();
  }

  /** Uploads what is left and completes the object. */
  async close(): Promise<void> {
    try {
      if (this.uploadId === undefined) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucketName,
            Key: this.key,
            Body: Buffer.concat(this.chunks),
            ContentType: this.contentType,
          }),
        );
        return;
      }
      if (this.buffered > 0) await this.flushPart();
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucketName,
          Key: this.key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: this.parts },
        }),
      );
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Gives up: a multipart upload's parts are deleted. */
  async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucketName, Key: this.key, UploadId: uploadId }))
      .catch(() => undefined);
  }

  private async flushPart(): Promise<void> {
    try {
      if (this.uploadId === undefined) {
        const created = await this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucketName, Key: this.key, ContentType: this.contentType }),
        );
        this.uploadId = created.UploadId;
      }
      const body = Buffer.concat(this.chunks);
      this.chunks = [];
      this.buffered = 0;
      const partNumber = this.parts.length + 1;
      const { ETag } = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucketName,
          Key: this.key,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
      this.parts.push({ ETag: ETag ?? '', PartNumber: partNumber });
    } catch (error) {
      await this.abort();
      throw error;
    }
  }
}
