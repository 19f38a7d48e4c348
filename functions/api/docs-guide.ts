/**
 * The prose of the API reference: a getting-started guide per surface (curl and SDK) and the
 * sandbox magic values. It is the OpenAPI document's `info.description` (Markdown, which the
 * reference renderer shows as the introduction with its headings in the sidebar), so the same
 * words reach /docs, /openapi.json and every tool that reads the document. The magic-value
 * tables are HTML blocks inside the Markdown, generated from the providers' own tables, so a
 * new magic value is documented where it is defined.
 */
import { SANDBOX_GATEWAY_DEFAULT, SANDBOX_GATEWAY_MAGIC } from '#core/repayment/sandbox-gateway';
import { escapeHtml } from '#http/html';
import { SANDBOX_BUREAU_MAGIC } from '#providers/bureau';
import { SANDBOX_CREDIT_DEFAULT, SANDBOX_CREDIT_MAGIC } from '#providers/credit-bureaus';
import { SANDBOX_KYC_MAGIC } from '#providers/kyc';
import { JOURNEY_CUSTOMER_MAGIC, JOURNEY_KYC_MAGIC, PARTNER_LOAN_MAGIC } from '#providers/sandbox-journey';

function table(head: [string, string], rows: [string, string][], otherwise: string): string {
  const body = rows
    .map(([k, what]) => `<tr><td><code>${escapeHtml(k)}</code></td><td>${escapeHtml(what)}</td></tr>`)
    .join('');
  return `<table><thead><tr><th>${head[0]}</th><th>${head[1]}</th></tr></thead><tbody>${body}<tr><td>anything else</td><td>${escapeHtml(otherwise)}</td></tr></tbody></table>`;
}

const suffix = (t: Record<string, string>) => Object.entries(t).map(([k, v]) => [`…${k}`, v] as [string, string]);

/** The sandbox magic-value tables, as HTML (also shown by /docs without JavaScript). */
export function magicTablesHtml(): string {
  return [
    "<p>KYC outcome (partner API) by the last four digits of the NIK being verified (the director's NIK for BUSINESS borrowers):</p>",
    table(['NIK ends in', 'outcome'], suffix(SANDBOX_KYC_MAGIC), 'APPROVED'),
    '<p>Partner API credit score (credit-source afpi, clik or both) by the last four digits of the NIK:</p>',
    table(
      ['NIK ends in', 'outcome'],
      suffix(Object.fromEntries(Object.entries(SANDBOX_CREDIT_MAGIC).map(([d, m]) => [d, m.outcome]))),
      SANDBOX_CREDIT_DEFAULT,
    ),
    '<p>Partner API loans (POST /api/core/loans/…) by the end of their reference_id:</p>',
    table(
      ['reference_id ends in', 'outcome'],
      suffix(PARTNER_LOAN_MAGIC),
      'signed at once (SIGNING -> ACTIVE); disbursed within moments',
    ),
    "<p>Sandbox payments (POST /v1/sandbox/payments, the payment page's Pay button) by the last three digits of the rupiah amount; a VA number that exists nowhere ends as a payment exception:</p>",
    table(['amount ends in', 'the sandbox gateway'], suffix(SANDBOX_GATEWAY_MAGIC), SANDBOX_GATEWAY_DEFAULT),
    '<p>Journey API BRE by the four digits of the PAN (AAAAA<b>9999</b>A); a PIN code starting 99 is not serviceable, an age outside 21-60 is rejected before the bureau:</p>',
    table(['PAN digits', 'outcome'], Object.entries(SANDBOX_BUREAU_MAGIC), 'score 760: SUCCESS with offers'),
    '<p>Journey API KYC by the four digits of the PAN; an uploaded Aadhaar XML whose name or date of birth differs from the details is NAME_MISMATCH or PAN_DATA_MISMATCH:</p>',
    table(['PAN digits', 'outcome'], Object.entries(JOURNEY_KYC_MAGIC), 'APPROVED through CKYC'),
    '<p>Journey API signing and disbursal by the end of the customerID:</p>',
    table(['customerID ends in', 'outcome'], suffix(JOURNEY_CUSTOMER_MAGIC), 'signed at once; disbursed with a UTR'),
  ].join('\n');
}

const PARTNER = `## Getting started: partner API

For a partner's backend: borrowers, their KYC documents and checks, credit scores and loans (\`/api/…\`). Exchange the client credentials for a 15-minute access token and a refresh token, then send \`Authorization: Bearer <access_token>\`. Every status change is also sent to your webhook endpoints.

\`\`\`bash
TOKEN=$(curl -s -X POST "$BASE/api/auth/token/v2" -u "$CLIENT_ID:$CLIENT_SECRET" | jq -r .access_token)
curl -s -X POST "$BASE/api/core/users" -H "authorization: Bearer $TOKEN" \\
  -H 'content-type: application/json' -H "Idempotency-Key: $(uuidgen)" \\
  -d '{"borrower_type":"PERSONAL","name":"Budi Santoso","phone":"081234567890","email":"budi@example.com","nik":"3171251508900001"}'
\`\`\`

\`\`\`ts
import { Lendstack } from './sdk/index.ts'; // sdk/ of the lendstack repository
const lendstack = new Lendstack({ baseUrl, partner: { clientId, clientSecret } });
// The SDK gets the token, refreshes it before it expires, and adds an Idempotency-Key.
const { data } = await lendstack.partner.POST('/api/core/users', { body: borrower });
await lendstack.partner.POST('/api/core/users/{userId}/kyc', {
  params: { path: { userId: data!.userId }, header: { 'data-source': 'VIDA' } },
});
\`\`\``;

const JOURNEY = `## Getting started: journey API

For an embedded-finance partner who keeps the customer in its own app (\`/v2/…\`): create the user, share details, trigger each step (offers, KYC, agreement, disbursal) and poll it by its \`referenceID\`, or hand the customer the hosted session page. Authenticate with the \`x-api-key\` header.

\`\`\`bash
curl -s -X POST "$BASE/v2/user/create" -H "x-api-key: $API_KEY" \\
  -H 'content-type: application/json' -d '{"customerID":"cust-0001","mobile":"9876543210"}'
curl -s "$BASE/v2/user/offers?customerID=cust-0001&referenceID=$REF" -H "x-api-key: $API_KEY"
\`\`\`

\`\`\`ts
const lendstack = new Lendstack({ baseUrl, apiKey });
await lendstack.journey.POST('/v2/user/create', { body: { customerID: 'cust-0001', mobile: '9876543210' } });
\`\`\``;

const PLATFORM = `## Getting started: platform API

For the lender's own back office (\`/v1/…\`): clients, loans (approve, reject, disburse, payments, settlement quotes, refunds), payment links and exceptions, events, reports (CSV), applications and their workflows, KYC reviews, borrower blocks, loan quotes, webhook endpoints and their deliveries. The ops console (\`/console\`) is built on these. \`Authorization: Bearer <apiKey>\`; errors are \`{ "error": { "code", "message", "details" } }\`; lists take \`limit\` and \`offset\` and answer \`meta: { total, limit, offset }\`.

\`\`\`bash
curl -s -X POST "$BASE/v1/webhook-endpoints" -H "authorization: Bearer $API_KEY" \\
  -H 'content-type: application/json' -d '{"url":"https://partner.example.com/hooks","events":["*"]}'
curl -s "$BASE/v1/webhook-endpoints?limit=20&offset=0" -H "authorization: Bearer $API_KEY"
\`\`\`

\`\`\`ts
const lendstack = new Lendstack({ baseUrl, apiKey });
for await (const endpoint of lendstack.platform.paginate('/v1/webhook-endpoints')) console.log(endpoint.id);
// In your webhook receiver: throws on a bad signature or a stale timestamp.
const event = lendstack.webhooks.constructEvent(rawBody, req.headers['lendstack-signature'], secret);
\`\`\``;

const APP = `## Getting started: borrower app API

For the lender's own mobile app (\`/api/v1/…\`), signed in by the borrower: no partner key, the stage's own tenant. Every request names its device (\`X-Device-ID\`); tokens are bound to it. Answers are \`{ "status": "success" | "error", "message", "data" }\` with the spec's \`error_code\` and \`details: [{ field, value, message }]\`, in Bahasa Indonesia (English with \`Accept-Language: en\`). In the sandbox the OTP lands in an outbox the platform key reads.

\`\`\`bash
D=dev-1234567890; P=081234567891
curl -s -X POST "$BASE/api/v1/onboarding/register-phone" -H "x-device-id: $D" \\
  -H 'content-type: application/json' -d "{\\"phone_number\\":\\"$P\\"}"
curl -s "$BASE/v1/sandbox/messages?to=$P" -H "authorization: Bearer $API_KEY"   # the OTP
curl -s -X POST "$BASE/api/v1/onboarding/verify-otp" -H "x-device-id: $D" \\
  -H 'content-type: application/json' -d "{\\"phone_number\\":\\"$P\\",\\"otp_code\\":\\"$OTP\\"}"
# then kyc-upload (multipart), personal-info, login (send-otp, verify-otp, verify-pin),
# apply-limit, tenors, loan/submissions, bills, payments/generate
\`\`\``;

const SANDBOX = `## Sandbox

\`npm start\` runs every surface locally and writes sandbox credentials (\`sk_sandbox_…\`). The mode (sandbox or live) comes from the credential. "Try it" on each operation sends the request to the server above (this stage). The sandbox providers answer by magic values:`;

const WEBHOOKS = `## Webhooks

Every delivery is signed: \`Lendstack-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>\`. Verify it on the raw body, reject a timestamp older than five minutes, and answer 2xx; a failed delivery is retried with exponential backoff.`;

/** The whole introduction, Markdown with HTML tables. */
export function guideMarkdown(rateLimits: string): string {
  return [
    'Open-source lending infrastructure. Four surfaces on one core: the partner API (`/api/…`), the journey API (`/v2/…`), the borrower app API (`/api/v1/…`) and the platform API (`/v1/…`). The mode (sandbox or live) comes from the credential: `sk_sandbox_…` or `sk_prod_…`.',
    `**Rate limits.** ${rateLimits}`,
    PARTNER,
    JOURNEY,
    PLATFORM,
    APP,
    WEBHOOKS,
    SANDBOX,
    magicTablesHtml(),
  ].join('\n\n');
}
