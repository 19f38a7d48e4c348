/** Loads the very modules the Lambdas run, in this process, and gives them a Lambda-like context. */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../model.ts';

export type LocalFunction = (event: unknown, context: Context) => Promise<unknown>;

const root = resolve(import.meta.dirname, '..', '..');
const cache = new Map<string, Promise<LocalFunction>>();

export function functionName(spec: Pick<FunctionSpec, 'module' | 'export'>): string {
  return `${spec.module}${spec.export ? `#${spec.export}` : ''}`;
}

export function loadFunction(spec: Pick<FunctionSpec, 'module' | 'export'>): Promise<LocalFunction> {
  const key = functionName(spec);
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = import(pathToFileURL(resolve(root, 'functions', `${spec.module}.ts`)).href).then((mod) => {
      const fn = mod[spec.export ?? 'handler'];
      if (typeof fn !== 'function')
        throw new Error(`functions/${spec.module}.ts has no export ${spec.export ?? 'handler'}`);
      return fn as LocalFunction;
    });
    cache.set(key, loaded);
  }
  return loaded;
}

export function lambdaContext(name: string, timeoutSeconds = 30): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invokes a function as Lambda would: event in, result out, errors keep their name. */
export async function invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
  const fn = await loadFunction(spec);
  return fn(event, lambdaContext(functionName(spec).replace(/[/#]/g, '-'), spec.timeout ?? 30));
}
