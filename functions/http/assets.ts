/**
 * Files a route declares in `files` (functions/http/route.ts): in a Lambda they sit next to the
 * bundle (the CDK copies them there, lib/aws/function.ts); in the local runtime and in tests they
 * are read where they are in the project. Read once per instance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteDef } from './route.ts';

const cache = new Map<string, string>();

/** The project root when running from source (functions/http/ is two levels down). */
const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The text of the file `route` declares as `name`, or undefined when it declares none such. */
export function routeFile(route: RouteDef, name: string): string | undefined {
  const from = route.files?.[name];
  if (!from) return undefined;
  let text = cache.get(name);
  if (text === undefined) {
    // The bundle's own directory first (a deployed function), then the project's file.
    const bundled = join(dirname(fileURLToPath(import.meta.url)), name);
    text = readFileSync(existsSync(bundled) ? bundled : join(sourceRoot, from), 'utf8');
    cache.set(name, text);
  }
  return text;
}
