/**
 * `npx lendstack …` (or `npm run lendstack -- …`): the sandbox CLI, as the Stripe CLI is to
 * Stripe. `login` stores a profile, `events tail` prints the tenant's events as they happen,
 * `listen --forward-to` re-delivers them signed to a local receiver, and `trigger` makes the
 * sandbox produce a real event through the real flow (the partner and platform APIs over
 * HTTP, never the store), so it works the same against `npm start` and a deployed stage.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTH_KEY_HEADER, SIGNATURE_HEADER, signWebhook } from '#core/webhooks';

/** Colours and progress only for a terminal: piped output stays plain lines a script can grep. */
const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const yellow = paint(33);
const cyan = paint(36);
const bold = paint(1);

/** An error the user can act on: printed as one line, exit code 1. */
class CliError extends Error {}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const step = (line: string) => say(tty ? `${cyan('›')} ${line}` : `- ${line}`);

/** Where the profile lives: `.lendstack/cli.json` in the working directory, next to the sandbox's credentials. */
const dir = () => resolve(process.env.LENDSTACK_CLI_DIR ?? '.lendstack');
const profilePath = () => join(dir(), 'cli.json');

interface Profile {
  baseUrl: string;
  apiKey: string;
  clientId?: string;
  clientSecret?: string;
  /** The `listen` signing secret, kept so a receiver configured once keeps verifying across runs (as stripe's whsec_). */
  webhookSecret?: string;
  authKey?: string;
}

function loadProfile(): Profile {
  const path = profilePath();
  if (!existsSync(path)) throw new CliError(`not logged in: run \`npx lendstack login\` first (no ${path})`);
  return JSON.parse(readFileSync(path, 'utf8')) as Profile;
}

function saveProfile(profile: Profile): void {
  mkdirSync(dir(), { recursive: true });
  writeFileSync(profilePath(), `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(profilePath(), 0o600);
}

/** fetch with the two failures a user meets named: the stage unreachable, and a refused key. */
async function call<T = unknown>(
  profile: Pick<Profile, 'baseUrl'>,
  method: string,
  path: string,
  options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(`${profile.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.auth ? { authorization: options.auth } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(`cannot reach ${profile.baseUrl} (${cause}): is the stage up? (\`npm start\` locally)`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  if (res.status === 401 || res.status === 403)
    throw new CliError(`${method} ${path}: ${res.status}, the key was refused (run \`npx lendstack login\` again)`);
  if (res.status >= 400) throw new CliError(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, body: body as T };
}

const platform = (profile: Profile) => `Bearer ${profile.apiKey}`;

async function partnerToken(profile: Profile): Promise<string> {
  if (!profile.clientId || !profile.clientSecret)
    throw new CliError('this needs partner credentials: `npx lendstack login --client-id ID --client-secret SECRET`');
  const basic = Buffer.from(`${profile.clientId}:${profile.clientSecret}`).toString('base64');
  const token = await call<{ access_token: string }>(profile, 'POST', '/api/auth/token/v2', {
    auth: `Basic ${basic}`,
  });
  return `Bearer ${token.body.access_token}`;
}

const USAGE = {
  main: `Usage: npx lendstack <command> [options]   (or npm run lendstack -- <command>)

Commands:
  login          store a profile (base URL, API key, partner credentials) in .lendstack/cli.json
  events tail    print the tenant's events as they arrive
  listen         forward the tenant's events, signed, to a local URL
  trigger        make the sandbox produce a real event through the real flow

Run \`npx lendstack <command> --help\` for a command's options.`,
  login: `Usage: npx lendstack login [--base-url URL] [--api-key KEY] [--client-id ID --client-secret SECRET]
                           [--credentials FILE]

Stores a profile in .lendstack/cli.json (mode 0600). What is not given is read from
.lendstack/sandbox-credentials.json (written by \`npm start\`) or --credentials FILE. Works
against a local sandbox or a deployed stage (--base-url https://…). Checks the API key.`,
  events: `Usage: npx lendstack events tail [--type TYPE] [--since ISO|UNIX] [--interval MS]

Polls GET /v1/events and prints each new event on one line: time, id, type, status, object id.
From now on unless --since is given. --type filters (user_created, user_verify, loan, bnpl,
payment_gateway, …).`,
  listen: `Usage: npx lendstack listen --forward-to URL [--type TYPE] [--interval MS]

Forwards the tenant's events from now on to URL as a webhook endpoint would receive them:
POST { id, type, status, data, created_at } with Lendstack-Signature (t=<unix>,v1=<hex HMAC-SHA256
of "t.body">) signed by the secret printed at start, and finfra-auth-key. Prints each forward
with the receiver's status. Events are read by polling GET /v1/events, so it works against a
deployed stage that cannot reach this machine.`,
  trigger: `Usage: npx lendstack trigger <event>

Events:
  user_created      create a borrower (partner API)
  user_verify       a borrower, its KTP and selfie, and KYC (VIDA): APPROVED
  loan              an APPROVED borrower's single-payment loan, signed and disbursed
  bnpl              an APPROVED borrower's BNPL loan, signed and disbursed
  payment_gateway   a disbursed loan, a BCA virtual account, and a sandbox payment into it`,
} as const;

async function login(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      credentials: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return say(USAGE.login);
  const file = resolve(values.credentials ?? join(dir(), 'sandbox-credentials.json'));
  let saved: Partial<Profile> = {};
  if (existsSync(file)) saved = JSON.parse(readFileSync(file, 'utf8'));
  else if (values.credentials) throw new CliError(`no credentials file at ${file}`);
  const profile: Profile = {
    baseUrl: (values['base-url'] ?? saved.baseUrl ?? '').replace(/\/+$/, ''),
    apiKey: values['api-key'] ?? saved.apiKey ?? '',
    clientId: values['client-id'] ?? saved.clientId,
    clientSecret: values['client-secret'] ?? saved.clientSecret,
  };
  if (!profile.baseUrl || !profile.apiKey)
    throw new CliError(
      `no base URL or API key: give --base-url and --api-key, or run \`npm start\` (it writes ${file})`,
    );
  step(`checking ${profile.baseUrl}`);
  await call(profile, 'GET', '/v1/events?limit=1', { auth: platform(profile) });
  if (profile.clientId) await partnerToken(profile);
  const previous = existsSync(profilePath()) ? loadProfile() : undefined;
  saveProfile({ ...profile, webhookSecret: previous?.webhookSecret, authKey: previous?.authKey });
  say(`${green('✔')} logged in to ${bold(profile.baseUrl)}${profile.clientId ? ` as ${profile.clientId}` : ''}`);
  say(dim(`profile: ${profilePath()}`));
}

interface EventRecord {
  id: string;
  type: string;
  status: string;
  object_id?: string;
  data: Record<string, unknown>;
  created_at: string;
}

/**
 * Every event created from `since` on, oldest first, once each. Pages newest first with
 * `created[gte]`; `created_at` ties between polls are covered by remembering the ids seen.
 */
async function* poll(
  profile: Profile,
  options: { since: string; type?: string; intervalMs: number },
): AsyncGenerator<EventRecord> {
  const seen = new Set<string>();
  let since = options.since;
  for (;;) {
    const fresh: EventRecord[] = [];
    for (let offset = 0; ; offset += 100) {
      const query = new URLSearchParams({ limit: '100', offset: String(offset), 'created[gte]': since });
      if (options.type) query.set('type', options.type);
      const page = await call<{ data: EventRecord[]; meta: { total: number } }>(profile, 'GET', `/v1/events?${query}`, {
        auth: platform(profile),
      });
      fresh.push(...page.body.data.filter((e) => !seen.has(e.id)));
      if (offset + 100 >= page.body.meta.total || page.body.data.length === 0) break;
    }
    fresh.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    for (const event of fresh) {
      seen.add(event.id);
      if (event.created_at > since) since = event.created_at;
      yield event;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}

const statusColour = (status: string) =>
  /REJECT|FAIL|DEAD|BLOCK/.test(status)
    ? red(status)
    : /PENDING|PROGRESS|SIGNING/.test(status)
      ? yellow(status)
      : green(status);

const eventLine = (e: EventRecord) =>
  [dim(e.created_at), e.id, bold(e.type.padEnd(16)), statusColour(e.status.padEnd(10)), e.object_id ?? '-'].join('  ');

async function events(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      type: { type: 'string' },
      since: { type: 'string' },
      interval: { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || sub !== 'tail') {
    say(USAGE.events);
    if (!values.help) throw new CliError(sub ? `unknown: events ${sub}` : 'events: which? (tail)');
    return;
  }
  const profile = loadProfile();
  const since = values.since ?? new Date().toISOString();
  // A first request now: a bad key or a down stage fails at once, not at the first event.
  await call(profile, 'GET', '/v1/events?limit=1', { auth: platform(profile) });
  say(dim(`tailing ${profile.baseUrl} events${values.type ? ` of type ${values.type}` : ''} (Ctrl-C to stop)`));
  for await (const event of poll(profile, { since, type: values.type, intervalMs: Number(values.interval) }))
    say(eventLine(event));
}

async function listen(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'forward-to': { type: 'string' },
      type: { type: 'string' },
      interval: { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return say(USAGE.listen);
  const target = values['forward-to'];
  if (!target) throw new CliError('listen needs --forward-to URL (e.g. http://localhost:4000/hooks)');
  const profile = loadProfile();
  await call(profile, 'GET', '/v1/events?limit=1', { auth: platform(profile) });
  const secret = profile.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const authKey = profile.authKey ?? randomBytes(16).toString('hex');
  if (!profile.webhookSecret || !profile.authKey) saveProfile({ ...profile, webhookSecret: secret, authKey });
  say(`${green('Ready!')} Forwarding ${profile.baseUrl} events to ${bold(target)}`);
  say(`webhook signing secret: ${secret}`);
  say(`finfra-auth-key: ${authKey}`);
  const since = new Date().toISOString();
  for await (const event of poll(profile, { since, type: values.type, intervalMs: Number(values.interval) })) {
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      status: event.status,
      data: event.data,
      created_at: event.created_at,
    });
    const head = `${dim(new Date().toISOString())}  --> ${bold(event.type)} ${statusColour(event.status)} [${event.id}]`;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
          [AUTH_KEY_HEADER]: authKey,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      say(`${head}  <-- ${res.ok ? green(String(res.status)) : red(String(res.status))}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      say(`${head}  <-- ${red(`failed: ${cause}`)}`);
    }
  }
}

/** A sandbox NIK the KYC provider approves (serial 0001), and a phone, unique per run. */
const borrowerBody = () => ({
  borrower_type: 'PERSONAL',
  name: 'Siti Rahayu',
  phone: `0812${randomInt(10_000_000, 99_999_999)}`,
  email: 'siti@example.com',
  nik: `3171${randomInt(10, 99)}${String(randomInt(1, 28)).padStart(2, '0')}08900001`,
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CliError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function trigger(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const what = positionals[0];
  if (values.help) return say(USAGE.trigger);
  const kinds = ['user_created', 'user_verify', 'loan', 'bnpl', 'payment_gateway'];
  if (!what || !kinds.includes(what)) {
    say(USAGE.trigger);
    throw new CliError(what ? `unknown event: ${what}` : 'trigger: which event?');
  }
  const profile = loadProfile();
  const auth = await partnerToken(profile);
  const partner = <T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call<T>(profile, method, path, { auth, body, headers });

  step('creating a borrower');
  const user = await partner<{ userId: string }>('POST', '/api/core/users', borrowerBody(), {
    'idempotency-key': randomUUID(),
  });
  const userId = user.body.userId;
  say(`  ${userId}`);
  if (what === 'user_created') return done(what, userId);

  step('uploading KTP and selfie');
  for (const type of ['KTP', 'SELFIE']) {
    const doc = await partner<{ upload_url: string }>('POST', '/api/documents', {
      userId,
      document_type: type,
      content_type: 'image/jpeg',
    });
    const put = await fetch(doc.body.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
    }).catch((error: Error) => {
      throw new CliError(`upload to the presigned URL failed: ${error.message}`);
    });
    if (!put.ok) throw new CliError(`upload to the presigned URL failed: ${put.status}`);
  }
  step('running KYC (VIDA)');
  await partner('POST', `/api/core/users/${userId}/kyc`, undefined, { 'data-source': 'VIDA' });
  const status = await waitFor('the KYC result', async () => {
    const s = (await partner<{ status: string }>('GET', `/api/core/users/${userId}`)).body.status;
    return s === 'APPROVED' || s === 'REJECTED' ? s : undefined;
  });
  say(`  ${statusColour(status)}`);
  if (what === 'user_verify') return done(what, userId);
  if (status !== 'APPROVED') throw new CliError(`the borrower was ${status}: no loan`);

  const reference = `cli-${Date.now()}`;
  const account = { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' };
  step(what === 'bnpl' ? 'creating a BNPL loan' : 'creating a single-payment loan');
  const created =
    what === 'bnpl'
      ? await partner<{ loanUniqueId: string }>(
          'POST',
          `/api/core/loans/${userId}/bnpl`,
          {
            principal: 3000000,
            currency: 'IDR',
            installments: 4,
            frequency: 'weekly',
            interest_rate: 2,
            rate_period: 'month',
            method: 'flat',
            reference_id: reference,
            disbursement_account: account,
          },
          { 'idempotency-key': randomUUID() },
        )
      : await partner<{ loanUniqueId: string }>(
          'POST',
          `/api/core/loans/${userId}`,
          {
            principal: 1000000,
            currency: 'IDR',
            tenor_days: 30,
            interest_rate: 0.1,
            rate_period: 'day',
            fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
            reference_id: reference,
            disbursement_account: account,
          },
          { 'idempotency-key': randomUUID() },
        );
  const loanId = created.body.loanUniqueId;
  say(`  ${loanId}`);
  const loanStatus = () => partner<{ status: string }>('GET', `/api/core/loans/details/${loanId}`);
  step('signing the agreement');
  await partner('POST', '/api/core/loans/signing/initiate', { loanUniqueId: loanId });
  await waitFor('the signature', async () => ((await loanStatus()).body.status === 'ACTIVE' ? true : undefined));
  step('disbursing');
  await partner('POST', `/api/core/loans/${loanId}/disbursement`);
  await waitFor('the disbursement', async () => {
    const loan = (await loanStatus()).body as { status: string; disbursement?: { status?: string } };
    if (loan.disbursement?.status === 'FAILED') throw new CliError('the disbursement failed');
    return loan.status === 'DISBURSED' ? true : undefined;
  });
  if (what !== 'payment_gateway') return done(what, loanId);

  step('opening a BCA virtual account');
  const va = await partner<{ va_number: string; amount: number }>('POST', `/api/core/loans/${loanId}/virtual-account`, {
    bank_code: 'BCA',
  });
  step(`paying ${va.body.amount} into ${va.body.va_number}`);
  await call(profile, 'POST', '/v1/sandbox/payments', {
    auth: platform(profile),
    body: { channel: 'virtual_account', va_number: va.body.va_number, amount: va.body.amount },
  });
  return done(what, loanId);
}

function done(what: string, id: string): void {
  say(`${green('✔')} triggered ${bold(what)} (${id}): see it with \`npx lendstack events tail\``);
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'login') await login(rest);
  else if (command === 'events') await events(rest);
  else if (command === 'listen') await listen(rest);
  else if (command === 'trigger') await trigger(rest);
  else if (!command || command === '--help' || command === '-h' || command === 'help') say(USAGE.main);
  else {
    say(USAGE.main);
    throw new CliError(`unknown command: ${command}`);
  }
} catch (error) {
  const message = error instanceof CliError || error instanceof TypeError ? error.message : String(error);
  process.stderr.write(`${tty ? red('✖ ') : 'error: '}${message}\n`);
  if (!(error instanceof CliError) && error instanceof Error && process.env.DEBUG) console.error(error.stack);
  process.exit(1);
}
