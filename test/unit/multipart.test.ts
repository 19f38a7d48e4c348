import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import { parseMultipart } from '#http/multipart';

const boundary = 'xyz';
const event = (body: string) =>
  ({
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  }) as unknown as APIGatewayProxyEvent;

describe('parseMultipart', () => {
  it('reads fields and files', async () => {
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="customerID"\r\n\r\nc1\r\n--${boundary}\r\nContent-Disposition: form-data; name="selfie"; filename="s.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--${boundary}--\r\n`;
    const { fields, files } = await parseMultipart(event(body), 1024);
    expect(fields).toEqual({ customerID: 'c1' });
    expect(files).toMatchObject([{ field: 'selfie', filename: 's.jpg', contentType: 'image/jpeg' }]);
  });

  it('refuses a form cut off inside a file with a 400, and leaves no uncaught stream error behind', async () => {
    const cut = `--${boundary}\r\nContent-Disposition: form-data; name="selfie"; filename="s.jpg"\r\nContent-Type: image/jpeg\r\n\r\nJPEG bytes that never end`;
    await expect(parseMultipart(event(cut), 1024)).rejects.toBeInstanceOf(ValidationError);
    // An 'error' on the file's stream with no listener would surface here, after the rejection.
    await new Promise((r) => setTimeout(r, 50));
  });
});
