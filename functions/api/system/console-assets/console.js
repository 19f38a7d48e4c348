// lendstack ops console: plain browser JavaScript, no framework, no CDN. Everything shown comes
// from the platform API of the stage that served the page, and is partner-supplied: it is put
// on the page as text nodes only (never parsed as markup), so nothing it carries can run.

const KEY_ITEM = 'lendstack.console.apiKey';
/** The stage's base URL: the page is <base>/console, the API is <base>/v1/…, under any stage prefix. */
const BASE = new URL('.', window.location.href);
const BUCKETS = ['CURRENT', '1-30', '31-60', '61-90', '90+'];
const APPLICATION_STATUSES = [
  'STARTED',
  'OFFER_ACCEPTED',
  'SIGNED',
  'DISBURSAL_PROCESSING',
  'DISBURSED',
  'DISBURSAL_FAILED',
  'REJECTED',
  'EXPIRED',
  'REPAID',
];

const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, null/undefined/false are skipped. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const text = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
const when = (iso) =>
  iso
    ? String(iso)
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '—';
const money = (amount, currency) =>
  amount === null || amount === undefined ? '—' : `${currency ?? ''} ${Number(amount).toLocaleString('en')}`.trim();
const status = (s) => el('span', { className: `status status-${String(s).replace(/[^A-Z_a-z-]/g, '')}` }, text(s));

function table(headers, rows, empty) {
  if (!rows.length) return el('p', { className: 'empty' }, empty);
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => el('th', {}, h)),
      ),
    ),
    el('tbody', {}, rows),
  );
}

function notice(target, message, isError) {
  target.replaceChildren(el('div', { className: isError ? 'notice error' : 'notice', role: 'status' }, message));
}

// ------------------------------------------------------------------ the API key and calls

/** A key handed over in the URL fragment (`npm start` prints such a link): kept, then removed from the URL. */
function keyFromFragment() {
  const match = /^#key=([A-Za-z0-9_.~-]+)$/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY_ITEM, match[1]);
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(KEY_ITEM) ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
  const response = await fetch(new URL(path, BASE), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
  });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401) {
    signOut('The API key was refused: enter a platform API key.');
    throw new ApiError(401, answer);
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** Every item of a limit/offset list, up to `max`. */
async function all(path, max = 500) {
  const items = [];
  for (let offset = 0; offset < max; offset += 100) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', `${path}${sep}limit=100&offset=${offset}`);
    items.push(...page.data);
    if (items.length >= page.meta.total || page.data.length === 0) break;
  }
  return items;
}

// ------------------------------------------------------------------ sign in and out

function signOut(message) {
  sessionStorage.removeItem(KEY_ITEM);
  $('console').hidden = true;
  $('sign-out').hidden = true;
  $('mode').textContent = '';
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message ?? '';
}

async function signIn() {
  const key = sessionStorage.getItem(KEY_ITEM);
  if (!key) return signOut();
  try {
    await api('GET', 'v1/applications?limit=1');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) signOut(`The API did not answer: ${error.message}`);
    return;
  }
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  $('mode').textContent = key.startsWith('sk_sandbox_') ? 'sandbox' : 'live';
  await show(currentTab());
}

// ------------------------------------------------------------------ tabs

const TABS = {
  applications: loadApplications,
  kyc: loadKycReviews,
  webhooks: loadWebhooks,
  payments: loadPayments,
  loans: loadLoans,
};

function currentTab() {
  return document.querySelector('nav button[aria-selected="true"]')?.dataset.tab ?? 'applications';
}

async function show(tab) {
  for (const button of document.querySelectorAll('nav button')) {
    button.setAttribute('aria-selected', String(button.dataset.tab === tab));
  }
  for (const section of document.querySelectorAll('main section')) section.hidden = section.id !== `tab-${tab}`;
  const section = $(`tab-${tab}`);
  section.setAttribute('aria-busy', 'true');
  try {
    await TABS[tab]();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) notice($(`${tab}-notice`), error.message, true);
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

// ------------------------------------------------------------------ applications

async function loadApplications() {
  const filter = $('application-status').value;
  const list = await all(`v1/applications${filter ? `?status=${encodeURIComponent(filter)}` : ''}`, 200);
  $('applications-count').textContent = String(list.length);
  const rows = list.map((a) =>
    el(
      'tr',
      { 'data-application': a.id },
      el('td', {}, el('button', { className: 'link', onclick: () => loadApplication(a.id) }, el('code', {}, a.id))),
      el('td', {}, a.origin),
      el('td', {}, text(a.customer_id)),
      el('td', {}, status(a.status)),
      el('td', {}, a.waiting_for.length ? a.waiting_for.join(', ') : '—'),
      el('td', { className: 'num' }, money(a.amount, a.currency)),
      el('td', {}, when(a.started_at)),
    ),
  );
  $('applications-list').replaceChildren(
    table(
      ['Application', 'Origin', 'Customer / reference', 'Status', 'Waiting for', 'Amount', 'Started'],
      rows,
      'No applications yet.',
    ),
  );
}

async function loadApplication(id) {
  const { data } = await api('GET', `v1/applications/${encodeURIComponent(id)}`);
  const e = data.execution;
  const consoleLink =
    e?.console_url && /^https:\/\//.test(e.console_url)
      ? el('a', { href: e.console_url, target: '_blank', rel: 'noopener noreferrer' }, 'Open in the AWS console')
      : el('span', { className: 'empty' }, 'No AWS console link (local runtime)');
  const history = (e?.history ?? []).map((h) =>
    el(
      'tr',
      {},
      el('td', { className: 'num' }, h.id),
      el('td', {}, when(h.at)),
      el('td', {}, h.type),
      el('td', {}, text(h.state)),
      el('td', {}, text(h.error)),
    ),
  );
  $('application-detail').replaceChildren(
    el(
      'div',
      { className: 'detail', 'data-detail': data.id },
      el('h2', {}, 'Application ', el('code', {}, data.id)),
      el(
        'p',
        {},
        'Status ',
        status(data.status),
        ' · waiting for ',
        data.waiting_for.length ? data.waiting_for.join(', ') : 'nothing',
      ),
      e
        ? el(
            'p',
            {},
            'Execution ',
            status(e.status),
            ' · in ',
            el('strong', { id: 'current-states' }, e.current_states.length ? e.current_states.join(', ') : '—'),
            ' · started ',
            when(e.started_at),
            e.error ? ` · ${e.error}: ${text(e.cause)}` : '',
          )
        : el('p', { className: 'empty' }, 'No execution yet.'),
      e ? el('p', {}, 'Execution name ', el('code', {}, data.execution_name), ' · ', consoleLink) : null,
      e ? table(['#', 'At', 'Event', 'State', 'Error'], history, 'No history.') : null,
    ),
  );
}

// ------------------------------------------------------------------ KYC reviews

async function loadKycReviews() {
  const list = await all('v1/kyc-reviews');
  $('kyc-count').textContent = String(list.length);
  const rows = list.map((r) =>
    el(
      'tr',
      { 'data-review': r.reference_id },
      el('td', {}, el('code', {}, r.reference_id)),
      el('td', {}, text(r.customer_id)),
      el('td', {}, el('code', {}, r.borrower_id)),
      el('td', {}, text(r.kyc_type)),
      el('td', {}, r.message),
      el(
        'td',
        {},
        r.results
          ? Object.entries(r.results)
              .map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`)
              .join(', ')
          : '—',
      ),
      el('td', {}, when(r.waiting_since)),
      el(
        'td',
        {},
        el('button', { className: 'action', onclick: () => resolve(r.reference_id, 'APPROVED') }, 'Approve'),
        el('button', { className: 'action reject', onclick: () => resolve(r.reference_id, 'REJECTED') }, 'Reject'),
      ),
    ),
  );
  $('kyc-list').replaceChildren(
    table(
      ['Reference', 'Customer', 'Borrower', 'Type', 'Message', 'Checks', 'Waiting since', 'Decision'],
      rows,
      'No KYC run is waiting for a review.',
    ),
  );
}

async function resolve(referenceId, decision) {
  try {
    const { data } = await api('POST', `v1/kyc-reviews/${encodeURIComponent(referenceId)}`, {
      decision,
      note: 'decided in the ops console',
    });
    notice($('kyc-notice'), `${data.reference_id}: ${data.status}`);
  } catch (error) {
    notice($('kyc-notice'), `${referenceId}: ${error.message}`, true);
  }
  await loadKycReviews();
}

// ------------------------------------------------------------------ webhook deliveries

async function loadWebhooks() {
  const endpoints = await all('v1/webhook-endpoints', 200);
  const rows = [];
  let failing = 0;
  for (const endpoint of endpoints) {
    const deliveries = await all(`v1/webhook-endpoints/${encodeURIComponent(endpoint.id)}/deliveries`, 100);
    for (const d of deliveries) {
      const replayable = d.status === 'DEAD' || d.status === 'FAILED';
      if (replayable) failing++;
      rows.push(
        el(
          'tr',
          { 'data-delivery': d.event_id, 'data-endpoint': endpoint.id },
          el('td', {}, endpoint.url),
          el('td', {}, d.event_type),
          el('td', {}, el('code', {}, d.event_id)),
          el('td', {}, status(d.status)),
          el('td', { className: 'num attempts' }, d.attempts),
          el('td', {}, text(d.last_status_code)),
          el('td', {}, text(d.last_error)),
          el('td', {}, when(d.updated_at)),
          el(
            'td',
            {},
            replayable
              ? el('button', { className: 'action', onclick: () => replay(endpoint.id, d.event_id) }, 'Replay')
              : null,
          ),
        ),
      );
    }
  }
  $('webhooks-count').textContent = String(failing);
  $('webhooks-list').replaceChildren(
    table(
      ['Endpoint', 'Event', 'Event id', 'Status', 'Attempts', 'Last code', 'Last error', 'Updated', ''],
      rows,
      'No deliveries yet.',
    ),
  );
}

async function replay(endpointId, eventId) {
  try {
    await api(
      'POST',
      `v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries/${encodeURIComponent(eventId)}/replay`,
    );
    notice($('webhooks-notice'), `${eventId}: replay started`);
  } catch (error) {
    notice($('webhooks-notice'), `${eventId}: ${error.message}`, true);
  }
  await loadWebhooks();
}

// ------------------------------------------------------------------ payments

async function loadPayments() {
  const [payments, exceptions] = await Promise.all([
    api('GET', 'v1/payments?limit=100'),
    api('GET', 'v1/payment-exceptions?limit=100'),
  ]);
  $('payments-count').textContent = String(exceptions.meta.total);
  $('payments-list').replaceChildren(
    el('h2', {}, `Payments (${payments.meta.total})`),
    table(
      ['Payment', 'Loan', 'Channel', 'Provider id', 'Amount', 'To credit', 'Status', 'Received', 'Reference'],
      payments.data.map((p) =>
        el(
          'tr',
          { 'data-payment': p.id },
          el('td', {}, el('code', {}, p.id)),
          el('td', {}, el('code', {}, p.loan_id)),
          el('td', {}, p.channel),
          el('td', {}, text(p.provider_payment_id)),
          el('td', { className: 'num' }, money(p.amount, p.currency)),
          el('td', { className: 'num' }, money(p.to_credit, p.currency)),
          el('td', {}, status(p.status)),
          el('td', {}, when(p.received_at)),
          el('td', {}, text(p.reference)),
        ),
      ),
      'No payments yet.',
    ),
    el('h2', {}, `Payment exceptions (${exceptions.meta.total})`),
    table(
      ['Exception', 'Reason', 'Message', 'Channel', 'Provider id', 'Amount', 'Status', 'Received'],
      exceptions.data.map((x) =>
        el(
          'tr',
          { 'data-exception': x.id },
          el('td', {}, el('code', {}, x.id)),
          el('td', {}, x.reason),
          el('td', {}, x.message),
          el('td', {}, x.channel),
          el('td', {}, text(x.provider_payment_id)),
          el('td', { className: 'num' }, money(x.amount, x.currency)),
          el('td', {}, status(x.status)),
          el('td', {}, when(x.received_at)),
        ),
      ),
      'No payment exceptions.',
    ),
  );
}

// ------------------------------------------------------------------ loans by delinquency bucket

async function loadLoans() {
  const pages = await Promise.all(
    BUCKETS.map((b) => api('GET', `v1/loans?delinquency_bucket=${encodeURIComponent(b)}&limit=100`)),
  );
  const late = pages.slice(1).reduce((n, p) => n + p.meta.total, 0);
  $('loans-count').textContent = String(late);
  $('loans-list').replaceChildren(
    el(
      'div',
      { className: 'buckets' },
      BUCKETS.map((b, i) =>
        el('div', { className: 'bucket', 'data-bucket': b }, el('strong', {}, pages[i].meta.total), `${b} days`),
      ),
    ),
    ...BUCKETS.flatMap((b, i) => [
      el('h2', {}, `${b === 'CURRENT' ? 'Current' : `${b} days past due`} (${pages[i].meta.total})`),
      table(
        ['Loan', 'Borrower', 'Type', 'Principal', 'Outstanding', 'Due now', 'Days past due', "Loan's today"],
        pages[i].data.map((l) =>
          el(
            'tr',
            { 'data-loan': l.id, 'data-loan-bucket': l.delinquency_bucket },
            el('td', {}, el('code', {}, l.id)),
            el('td', {}, el('code', {}, l.borrower_id)),
            el('td', {}, l.type),
            el('td', { className: 'num' }, money(l.principal, l.currency)),
            el('td', { className: 'num' }, money(l.outstanding, l.currency)),
            el('td', { className: 'num' }, money(l.amount_due, l.currency)),
            el('td', { className: 'num' }, l.days_past_due),
            el('td', {}, l.today),
          ),
        ),
        'None.',
      ),
    ]),
  );
}

// ------------------------------------------------------------------ start

function start() {
  const select = $('application-status');
  select.append(el('option', { value: '' }, 'every status'), ...APPLICATION_STATUSES.map((s) => el('option', {}, s)));
  select.addEventListener('change', () => show('applications'));
  for (const button of document.querySelectorAll('nav button')) {
    button.addEventListener('click', () => show(button.dataset.tab));
  }
  for (const button of document.querySelectorAll('button[data-reload]')) {
    button.addEventListener('click', () => show(button.dataset.reload));
  }
  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    $('api-key').value = '';
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    signIn();
  });
  $('sign-out').addEventListener('click', () => signOut());
  keyFromFragment();
  signIn();
}

start();
