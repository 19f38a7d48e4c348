/**
 * Ops: partners and their credentials.
 *
 *   npm run partner -- create --name "Acme Finance" [--mode sandbox|live|both]
 *   npm run partner -- issue  --partner ptn_… --mode live
 *   npm run partner -- rotate --partner ptn_… --credential cred_…
 *   npm run partner -- revoke --partner ptn_… --credential cred_…
 *   npm run partner -- list   [--partner ptn_…]
 *   npm run partner -- limit  --partner ptn_… --surface journey|platform|partner --per-minute 20000|default
 *
 * `limit` gives a partner its own requests per minute on one surface, over the stage's
 * (`default` removes it); running functions pick it up within a minute.
 *
 * Against the running local sandbox by default (found through .lendstack/runtime.json), or
 * against a deployed stage with --table <TableName output of the stack> and the usual AWS
 * credentials and region in the environment. Secrets are printed once and stored hashed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    mode: { type: 'string' },
    partner: { type: 'string' },
    credential: { type: 'string' },
    table: { type: 'string' },
    surface: { type: 'string' },
    'per-minute': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`partner: ${message}`);
  process.exit(2);
}

const command = positionals[0];
if (!command || !['create', 'issue', 'rotate', 'revoke', 'list', 'limit'].includes(command)) {
  fail(
    'usage: npm run partner -- create|issue|rotate|revoke|list|limit [--name N] [--mode sandbox|live|both] [--partner ptn_…] [--credential cred_…] [--surface S --per-minute N|default] [--table T]',
  );
}

if (values.table) {
  process.env.TABLE_NAME = values.table;
} else {
  const file = '.lendstack/runtime.json';
  if (!existsSync(file))
    fail('no local sandbox is running (start it with npm start), and no --table was given for a deployed stage');
  const local = JSON.parse(readFileSync(file, 'utf8')) as { dynamodb: string; table: string };
  Object.assign(process.env, {
    TABLE_NAME: local.table,
    AWS_ENDPOINT_URL_DYNAMODB: local.dynamodb,
    AWS_REGION: process.env.AWS_REGION ?? 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}

// Imported after the environment is set: the store's client reads it when created.
const store = await import('../functions/store/partners.ts');
const { isRateLimit, RATE_LIMITED_SURFACES } = await import('../functions/http/rate-limit-config.ts');
const modes = (mode = 'sandbox') => {
  if (mode === 'both') return ['sandbox', 'live'] as const;
  if (mode === 'sandbox' || mode === 'live') return [mode] as const;
  return fail(`--mode must be sandbox, live or both (got ${mode})`);
};
const need = (value: string | undefined, flag: string) => value ?? fail(`${command} needs --${flag}`);

try {
  let result: unknown;
  if (command === 'create') {
    const partner = await store.createPartner(need(values.name, 'name'));
    const credentials = [];
    for (const mode of modes(values.mode)) credentials.push(await store.issueCredential(partner.partnerId, mode));
    result = { partner, credentials };
  } else if (command === 'issue') {
    result = await store.issueCredential(need(values.partner, 'partner'), modes(need(values.mode, 'mode'))[0]);
  } else if (command === 'rotate') {
    result = await store.rotateCredential(need(values.partner, 'partner'), need(values.credential, 'credential'));
  } else if (command === 'revoke') {
    result = await store.revokeCredential(need(values.partner, 'partner'), need(values.credential, 'credential'));
  } else if (command === 'limit') {
    const surface = need(values.surface, 'surface');
    if (!(RATE_LIMITED_SURFACES as readonly string[]).includes(surface))
      fail(`--surface must be one of ${RATE_LIMITED_SURFACES.join(', ')} (got ${surface})`);
    const raw = need(values['per-minute'], 'per-minute');
    const perMinute = raw === 'default' ? null : Number(raw);
    if (perMinute !== null && !isRateLimit(perMinute))
      fail(`--per-minute must be a whole number ≥ 1 or default (got ${raw})`);
    result = await store.setPartnerRateLimit(need(values.partner, 'partner'), surface, perMinute);
  } else if (values.partner) {
    result = {
      partner: await store.findPartner(values.partner),
      credentials: await store.listCredentials(values.partner),
    };
  } else {
    result = await store.listPartners();
  }
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
