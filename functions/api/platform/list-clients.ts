import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { type ClientFilter, listClients, searchClients } from '#store/clients';
import { clientListItem } from './client-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listClients;

/**
 * GET /v1/clients: newest first, filtered by status, type, KYC status and created range. An
 * exact phone, NIK or PAN is looked up through the items that keep them unique (no Scan); the
 * values travel in the query string, which neither the request log (route template only) nor
 * API Gateway's access log format (resource path) records.
 */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset, status, type, kyc_status, created_from, created_to, phone, nik, pan } = input.query;
  const filter: ClientFilter = {
    ...(status ? { status } : {}),
    ...(type ? { type } : {}),
    ...(kyc_status ? { kycStatus: kyc_status } : {}),
    ...(created_from ? { createdFrom: created_from } : {}),
    ...(created_to ? { createdTo: created_to } : {}),
  };
  const page =
    phone || nik || pan
      ? await searchClients(
          input.principal,
          { ...(phone ? { phone } : {}), ...(nik ? { nik } : {}), ...(pan ? { pan } : {}) },
          filter,
        ).then((all) => ({ items: all.slice(offset, offset + limit), total: all.length }))
      : await listClients(input.principal, filter, { limit, offset });
  return {
    statusCode: 200,
    body: { data: page.items.map(clientListItem), meta: { total: page.total, limit, offset } },
  };
};

export const handler = middy(list).use(http(routes.listClients));
