/**
 * `npm start`: the whole of lendstack on this machine. `npm start -- --data-dir <dir>` keeps
 * data across restarts, a kill included (running workflow executions resume); PORT chooses
 * the gateway port (default 3000).
 */
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../lib/local/runtime.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm start [-- --data-dir <dir>] [-- --port <port>] [-- --verbose]

  --data-dir <dir>  keep tables, documents, workflow executions and credentials in <dir> across
                    restarts, a crash included: running executions resume (default: in memory)
  --port <port>     gateway port (default: $PORT or 3000)
  --verbose         log every request, workflow and event, and print the sandbox's OTP messages`);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 3000);
const started = Date.now();
const log = values.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
if (values.verbose) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  // The sandbox messaging adapter prints each OTP message it "sends" (the borrower app's codes).
  process.env.LENDSTACK_PRINT_SANDBOX_MESSAGES = 'true';
}

try {
  const runtime = await startLocalRuntime({ port, dataDir: values['data-dir'], log });
  const { clientId, clientSecret, apiKey, baseUrl } = runtime.credentials;
  console.log(`lendstack sandbox is up in ${((Date.now() - started) / 1000).toFixed(1)} s on ${runtime.baseUrl}

  API reference   ${baseUrl}/docs  (OpenAPI: ${baseUrl}/openapi.json)
  Health          ${baseUrl}/health
  Ops console     ${baseUrl}/console#key=${apiKey}
                  (the link hands the sandbox key to the page in its fragment, never sent to a server)
  Data            ${values['data-dir'] ? `kept in ${values['data-dir']}` : 'in memory (npm start -- --data-dir <dir> to keep it)'}

  Borrower app API  ${baseUrl}/api/v1/…  (its tenant: this sandbox partner, sandbox mode;
                    OTP codes: GET ${baseUrl}/v1/sandbox/messages?to=<phone> with the apiKey)

  Sandbox partner credentials (also in .lendstack/sandbox-credentials.json):
    clientId      ${clientId}
    clientSecret  ${clientSecret}
    apiKey        ${apiKey}

Press Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping lendstack…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  // One line that says what to do; the stack only with --verbose.
  console.error(`lendstack could not start: ${error instanceof Error ? error.message : error}`);
  if (values.verbose && error instanceof Error) console.error(error.stack);
  process.exit(1);
}
