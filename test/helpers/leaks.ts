/** What a response body must never show a caller: stacks, source locations, internal names. */

const LEAKS: [string, RegExp][] = [
  [
    'a stack frame',
    /\bat (async |new )?[\w$.<>[\]]+ \((file:|node:|\/)[^)]*:\d+:\d+\)|\bat (file:|node:|\/)\S*:\d+:\d+/,
  ],
  ['a source location', /\.(ts|js|mjs|cjs):\d+/],
  ['a file path', /\/work\/|node_modules|file:\/\//],
  ['a JavaScript error', /\b(TypeError|ReferenceError|SyntaxError|RangeError|EvalError|URIError|AggregateError)\b/],
  [
    'an internal error class',
    /\b(ZodError|LendstackError|ProviderError|\w+Exception|ExecutionAlreadyExists|ExecutionDoesNotExist|TaskDoesNotExist|InvalidToken|TaskTimedOut)\b/,
  ],
  [
    'a runtime message',
    /Cannot read propert|is not a function|is not defined|Unexpected token|Maximum call stack|in JSON at position|is not iterable/,
  ],
  ['a table key', /\b(T#ptn_|RATE#|IDEM#|SECRET#|CLIENT#|PTN#|OUTBOX#|SESSION#|gsi1pk|gsi1sk)/],
  ['an AWS resource', /arn:aws:|\bTABLE_NAME\b|AWS_[A-Z_]+/],
];

/**
 * What the body leaks, by name. `sent` is what the request carried: a pattern found there too
 * is the caller's own input echoed back (a field error naming the value), not a leak.
 */
export function leaksIn(body: string, sent: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(body) && !pattern.test(sent)).map(
    ([what, pattern]) => `${what}: ${JSON.stringify(pattern.exec(body)?.[0])}`,
  );
}
