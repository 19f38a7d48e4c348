/**
 * Writes the OpenAPI document the route table generates to a file (default: stdout), for
 * redocly lint and the SDK's type generator: `npx tsx scripts/openapi-document.ts out.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../functions/api/openapi.ts';
import { routeList } from '../functions/api/routes.ts';

const json = `${JSON.stringify(openApiDocument(routeList), null, 2)}\n`;
const out = process.argv[2];
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, json);
} else process.stdout.write(json);
