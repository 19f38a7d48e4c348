/**
 * The single table's shape: read by the CDK (lib/aws/data.ts) and by the local runtime
 * (lib/local/dynamodb.ts), so that both create the very same table.
 *
 * Key schema (every tenant-owned key starts with `T#<partnerId>#<mode>#`):
 *
 * | entity              | pk                                   | sk                     | gsi1 (byCollection)                        |
 * |---------------------|--------------------------------------|------------------------|--------------------------------------------|
 * | partner             | PTN#<partnerId>                      | PROFILE                | PARTNERS / <createdAt>#<partnerId>          |
 * | credential (by id)  | PTN#<partnerId>                      | CRED#<credId>          |                                            |
 * | api key / secret    | SECRET#<sha256(secret)>              | SECRET                 |                                            |
 * | client id           | CLIENT#<clientId>                    | CLIENT                 |                                            |
 * | refresh token       | RT#<sha256(token)>                   | RT                     |                                            |
 * | system key          | SYSTEM#<name>                        | KEY                    |                                            |
 * | borrower            | T#…#BOR#<borrowerId>                 | PROFILE                | T#…#BORROWERS / <createdAt>#<borrowerId>    |
 * | borrower document   | T#…#BOR#<borrowerId>                 | DOC#<documentId>       |                                            |
 * | unique value        | T#…#UNIQUE#<kind>#<value>            | UNIQUE                 |                                            |
 * | webhook endpoint    | T#…#WHE                              | WHE#<endpointId>       |                                            |
 * | webhook delivery    | T#…#EVT#<eventId>                    | DLV#<endpointId>       | T#…#WHE#<endpointId> / <createdAt>#<dlvId>  |
 * | delivery attempt    | T#…#EVT#<eventId>                    | DLV#<endpointId>#ATT#<n> |                                          |
 * | event (outbox item) | T#…#EVT#<eventId>                    | EVENT                  | T#…#EVENTS / <createdAt>#<eventId>          |
 * | idempotency record  | T#…#IDEM#<sha256(method path key)>   | IDEM                   |                                            |
 * | rate-limit window   | RATE#<credId>#<surface>#<start>[#<shard>] | RATE              |                                            |
 * | loan ledger         | T#…#APP#<loanId>                     | LEDGER                 | T#…#LOANS / <disbursedAt>#<loanId>          |
 * | collection channel  | T#…#APP#<loanId>                     | CHAN#<kind>#<key>      |                                            |
 * | channel lookup      | CHAN#<kind>#<vaNumber|reference>     | CHAN                   |                                            |
 * | payment             | T#…#PAY#<paymentId>                  | PAY                    | T#…#PAYMENTS / <receivedAt>#<paymentId>     |
 * | provider payment id | PAYREF#<provider>#<providerPaymentId> | PAYREF                |                                            |
 * | payment exception   | T#…#PAYEXC#<id> (or OPS#PAYEXC#<id>) | PAYEXC                 | T#…#PAYEXC / <receivedAt>#<id>              |
 * | app pay instruction | T#…#APPPAY#<inv_id>                  | APPPAY                 |                                            |
 * | …for a request      | T#…#APPPAYREQ#<sha256(request)>      | APPPAYREQ              |                                            |
 * | …a channel's current| T#…#APPPAYCHAN#<channelId>           | APPPAYCHAN             |                                            |
 * | counters            | T#…#COUNTERS                         | LOANS, PAYMENTS, …     |                                            |
 * | application start   | T#…#APP#<applicationId>              | START                  | T#…#APPLICATIONS / <startedAt>#<appId>      |
 * | KYC run (journey)   | T#…#KYCR#<referenceId>               | KYCR                   | T#…#KYCREVIEWS / <updatedAt>#<ref> (in review only) |
 *
 * The servicing index (gsi2, `byServiceDate`) holds only open ledgers (a sparse index):
 * gsi2pk `SVC#<shard>` (16 shards, by the loan's key) and gsi2sk `<next service date>#<pk>`,
 * so the daily run reads the loans that need work on or before a day and nothing else.
 *
 * A rate window with a high limit is spread over shards (#store/rate-limits); a route with a
 * limit of its own counts under its route id instead of the surface.
 *
 * Sandbox items, events (30 days, both modes), idempotency records and rate windows carry `expiresAt`
 * (epoch seconds) and are removed by DynamoDB TTL; live business data never expires.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Items of one collection in creation order: partners, a tenant's borrowers, its events, an endpoint's deliveries. */
    byCollection: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk', include: undefined },
    /**
     * Open loans by the next date servicing has work for them (sparse: REPAID ledgers leave it).
     * Projects only what the daily run needs to find a loan, so a ledger write does not copy the
     * whole ledger into the index (about 2 WCU per loan-day saved).
     */
    byServiceDate: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk', include: ['partnerId', 'mode', 'loanId'] },
  },
  /** The stream feeds the outbox relay (EventBridge Pipes in AWS, a stream poller locally). */
  streamView: 'NEW_AND_OLD_IMAGES',
} as const;

/** Outbox items are recognised on the stream by this `type` attribute. */
export const OUTBOX_ITEM_TYPE = 'OUTBOX';
