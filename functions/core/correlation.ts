/**
 * The correlation id: one id to grep from the API request through its workflow execution to
 * the event it wrote and the webhook that delivered it. It is the API Gateway request id of the
 * call that started the chain; a workflow task or a delivery carries it on from its input.
 *
 * An AsyncLocalStorage rather than a module variable because the local runtime runs many
 * invocations at once in one process (a Lambda instance runs one at a time, where it would not
 * matter). No AWS import: the domain core stays pure.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Makes `id` the correlation id of the rest of this invocation (the middleware calls it first). */
export function enterCorrelation(id: string | undefined): void {
  if (id) current.enterWith(id);
}

/** Runs `fn` with `id` as its correlation id. */
export function withCorrelation<T>(id: string | undefined, fn: () => T): T {
  return id ? current.run(id, fn) : fn();
}

/** The correlation id of the running invocation, if it has one. */
export function correlationId(): string | undefined {
  return current.getStore();
}
