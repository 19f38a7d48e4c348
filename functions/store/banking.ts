/** Bank statement analyses: one record per trigger, and each statement's digest once per tenant (duplicates). */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';

export interface BankAnalysis {
  referenceId: string;
  customerId: string;
  borrowerId: string;
  bankName: string;
  status: 'SUCCESS' | 'FAILED';
  errorCode: string;
  errorMessage: string;
  summary?: { pages: number; transactionsInRange: number; firstDate: string; lastDate: string };
  createdAt: string;
}

const key = (t: Tenant, referenceId: string) => ({ pk: tenantKey(t, 'BANK', referenceId), sk: 'BANK' });

/**
 * Stores an analysis. A successful one also claims its statements' digests, in the same
 * transaction: a statement seen before turns it into STATEMENT_DUPLICATE.
 */
export async function saveAnalysis(
  tenant: Tenant,
  analysis: BankAnalysis,
  statementDigests: string[],
): Promise<BankAnalysis> {
  const table = tableName();
  const expiresAt = expiryFor(tenant.mode);
  if (analysis.status === 'SUCCESS') {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            ...statementDigests.map((digest) => ({
              Put: {
                TableName: table,
                Item: {
                  pk: tenantKey(tenant, 'UNIQUE', 'STATEMENT', digest),
                  sk: 'UNIQUE',
                  referenceId: analysis.referenceId,
                  expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            { Put: { TableName: table, Item: { ...key(tenant, analysis.referenceId), ...analysis, expiresAt } } },
          ],
        }),
      );
      return analysis;
    } catch (error) {
      if (!cancelledConditions(error)?.some(Boolean)) throw error;
      analysis = {
        ...analysis,
        status: 'FAILED',
        errorCode: 'STATEMENT_DUPLICATE',
        errorMessage: 'A duplicate statement has been detected',
        summary: undefined,
      };
    }
  }
  await ddb.send(
    new PutCommand({ TableName: table, Item: { ...key(tenant, analysis.referenceId), ...analysis, expiresAt } }),
  );
  return analysis;
}

export async function getAnalysis(tenant: Tenant, referenceId: string): Promise<BankAnalysis> {
  return getEntity<BankAnalysis>(key(tenant, referenceId), 'reference', referenceId);
}
