/** A tiny server for AWS's JSON protocol (X-Amz-Target), used by the local Step Functions and EventBridge. */
import { createServer, type Server } from 'node:http';

export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type JsonOperations = Record<string, (input: Record<string, unknown>) => Promise<unknown> | unknown>;

/** Serves `operations` keyed by the part of X-Amz-Target after the dot. */
export function jsonProtocolServer(prefix: string, contentType: string, operations: JsonOperations): Server {
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : '';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(JSON.stringify(body));
    };
    const impl = operations[operation];
    if (!impl) return send(400, { __type: 'UnknownOperationException', message: `Not supported locally: ${target}` });
    try {
      const input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      send(200, (await impl(input)) ?? {});
    } catch (error) {
      if (error instanceof AwsJsonError) return send(error.status, { __type: error.type, message: error.message });
      send(500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
