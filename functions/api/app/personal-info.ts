import middy from '@middy/core';
import { isOcrCorrection } from '#core/app/kyc';
import { masterDataItem } from '#core/app/master-data';
import { hashPin } from '#core/app/security';
import { appErrors, appValidation, fieldMessage as m, OK } from '#core/app/text';
import { ConflictError } from '#core/errors';
import type { IndonesianBankCode } from '#core/partner-loans';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { activateAppUser, findAppUser } from '#store/app-users';
import { caller, e164, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appPersonalInfo;

/**
 * POST /api/v1/onboarding/personal-info: the profile (every field checked by the schema),
 * the PIN hashed with scrypt, the account ACTIVE, in one transaction. The PIN never leaves
 * this function but as its hash.
 */
const personalInfo = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const account = await findAppUser(tenant, user.userId);
  if (!account) throw appErrors.accountNotActive();
  if (account.app.status === 'ACTIVE') throw appErrors.accountAlreadyActive();
  if (account.app.kycStatus !== 'SYSTEM_VERIFIED') throw appErrors.kycRequired();
  const { security_pin, emergency_contacts, ...profile } = input.body;
  const verifiedNik = account.app.ocrPreview?.nik;
  if (verifiedNik && !isOcrCorrection(verifiedNik, profile.nik)) {
    throw appValidation([
      {
        field: 'nik',
        value: profile.nik,
        message: m('NIK tidak sesuai dengan KTP yang telah diverifikasi.', 'The NIK does not match the verified KTP.'),
      },
    ]);
  }
  const contacts = emergency_contacts.map((c) => ({ ...c, phone_number: e164(c.phone_number) }));
  const own = contacts.findIndex((c) => c.phone_number === account.phone);
  if (own >= 0) {
    throw appValidation([
      {
        field: `emergency_contacts.${own}.phone_number`,
        value: emergency_contacts[own]?.phone_number,
        message: m(
          'Nomor kontak darurat tidak boleh sama dengan nomor Anda.',
          "An emergency contact's number cannot be your own.",
        ),
      },
    ]);
  }
  const activatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const bank = masterDataItem('banks', profile.bank_id);
  try {
    await activateAppUser(tenant, user.userId, {
      name: profile.full_name,
      email: profile.email,
      nik: profile.nik,
      profile: { ...profile, emergency_contacts: contacts },
      disbursementAccount: {
        bankCode: (bank?.code ?? 'BCA') as IndonesianBankCode,
        accountNumber: profile.bank_account_number,
        accountName: profile.bank_account_name,
      },
      pin: await hashPin(security_pin),
      activatedAt,
    });
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'nik_taken') throw appErrors.nikRegistered(profile.nik);
    if (error instanceof ConflictError) throw appErrors.accountAlreadyActive();
    throw error;
  }
  return ok(input.headers, OK.activated, {
    user_id: user.userId,
    account_activation: { is_active: true, status: 'ACTIVE', activated_at: activatedAt },
  });
};

export const handler = middy(personalInfo).use(http(routes.appPersonalInfo));
