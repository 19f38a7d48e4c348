import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issueQris } from '#workflows/collection';
import { channelAmount } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanQris;

/** POST /api/core/loans/{id}/qris: a dynamic QRIS for what is due now, with a PNG of it. */
const create = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { channel, imageUrl } = await issueQris(input.principal, input.params.id);
  return { statusCode: 201, body: { qr_string: channel.qrString, qr_image_url: imageUrl, ...channelAmount(channel) } };
};

export const handler = middy(create).use(http(routes.createLoanQris));
