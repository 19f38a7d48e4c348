import middy from '@middy/core';
import { ktpInconsistencies, REQUIRED_FACE_MATCH_SCORE, scorePercent } from '#core/app/kyc';
import { appErrors, appValidation, fieldMessage as m, OK } from '#core/app/text';
import { borrowerStatusAfterKyc, type KycCheck, type KycResult } from '#core/borrowers';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import { parseMultipart, type UploadedFile } from '#http/multipart';
import type { ApiEvent, ApiResult } from '#http/route';
import { ktpReader } from '#providers/ktp-ocr';
import { kycProvider } from '#providers/kyc';
import { findAppUser, recordAppKyc } from '#store/app-users';
import { documentObjectKey, putObject } from '#store/documents-bucket';
import { newEvent } from '#store/outbox';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appKycUpload;

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** JPEG (FF D8 FF) or PNG (89 50 4E 47 0D 0A 1A 0A), by the file's first bytes, whatever its name says. */
function imageType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return null;
}

const FILE_FIELDS = { ktp_image: 'Foto KTP', selfie_image: 'Foto selfie' } as const;

function image(files: UploadedFile[], field: keyof typeof FILE_FIELDS) {
  const file = files.find((f) => f.field === field);
  const label = FILE_FIELDS[field];
  if (!file || file.bytes.length === 0) {
    return { field, issue: m(`${label} wajib diunggah.`, `${field} is required.`) };
  }
  const type = imageType(file.bytes);
  if (!type)
    return { field, issue: m(`${label} harus berformat JPEG atau PNG.`, `${field} must be a JPEG or PNG image.`) };
  return { field, file, type };
}

/**
 * POST /api/v1/onboarding/kyc-upload (multipart): both images checked, stored in the
 * documents bucket, then OCR and face match through the KYC provider ports; the outcome is
 * recorded on the borrower with user_verify. Nothing is stored when the request is invalid.
 */
const kycUpload = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const { input } = event;
  const { tenant, user } = caller(input.principal);
  const { fields, files } = await parseMultipart(event, MAX_IMAGE_BYTES).catch((error: unknown) => {
    // busboy's size limit names the field; keep the app's envelope and language.
    if (error instanceof Error && 'details' in error) {
      const details = (error as { details: { field: string; message: string }[] }).details;
      throw appValidation(
        details.map((d) => ({
          field: d.field,
          value: null,
          message: d.message.startsWith('is larger')
            ? m('Ukuran file maksimal 5 MB.', 'The file must be at most 5 MB.')
            : d.message,
        })),
      );
    }
    throw error;
  });
  const documentType = fields.document_type ?? 'KTP';
  const checked = [image(files, 'ktp_image'), image(files, 'selfie_image')];
  const issues: { field: string; value: unknown; message: string }[] = checked.flatMap((c) =>
    'issue' in c && c.issue ? [{ field: c.field, value: null, message: c.issue }] : [],
  );
  if (documentType !== 'KTP') {
    issues.push({
      field: 'document_type',
      value: documentType,
      message: m('document_type harus KTP.', 'document_type must be KTP.'),
    });
  }
  if (issues.length) throw appValidation(issues);
  const [ktp, selfie] = checked as unknown as [
    { file: UploadedFile; type: string },
    { file: UploadedFile; type: string },
  ];

  const account = await findAppUser(tenant, user.userId);
  if (!account) throw appErrors.accountNotActive();
  if (account.app.kycStatus === 'SYSTEM_VERIFIED') throw appErrors.kycAlreadyVerified();

  const kycId = newId('kyc');
  const startedAt = new Date().toISOString();
  await Promise.all([
    putObject(documentObjectKey(tenant, user.userId, `${kycId}-ktp`), ktp.file.bytes, ktp.type),
    putObject(documentObjectKey(tenant, user.userId, `${kycId}-selfie`), selfie.file.bytes, selfie.type),
  ]);

  const preview = await ktpReader(tenant.mode).read(ktp.file.bytes, { phone: account.phone });
  const provider = kycProvider(tenant.mode, 'APP');
  const subject = { nik: preview.nik, name: preview.full_name };
  const checks: KycCheck[] = [
    await provider.ocr(subject, ktp.file.bytes),
    await provider.liveness(subject, selfie.file.bytes),
    await provider.faceMatch(subject, ktp.file.bytes, selfie.file.bytes),
  ];
  const [ocr, liveness, face] = checks as [KycCheck, KycCheck, KycCheck];
  const mismatched = ocr.passed ? ktpInconsistencies(preview) : [];
  // The face score the app sees: a failed liveness is a failed match (the selfie is not a live face).
  const score = scorePercent(liveness.passed ? (face.score ?? 0) : Math.min(liveness.score ?? 0, face.score ?? 0));
  const passed = ocr.passed && mismatched.length === 0 && score >= REQUIRED_FACE_MATCH_SCORE;
  const kyc: KycResult = {
    kycId,
    status: passed ? 'APPROVED' : 'REJECTED',
    provider: 'APP',
    startedAt,
    completedAt: new Date().toISOString(),
    checks,
    ...(passed
      ? {}
      : {
          reason: !ocr.passed
            ? 'KTP unreadable'
            : mismatched.length
              ? `KTP data mismatch: ${mismatched.join(', ')}`
              : `Face match ${score} below ${REQUIRED_FACE_MATCH_SCORE}`,
        }),
  };
  const to = borrowerStatusAfterKyc(kyc.status);
  await recordAppKyc(tenant, user.userId, {
    to,
    kyc,
    app: {
      kycStatus: passed ? 'SYSTEM_VERIFIED' : 'REJECTED_RETRY',
      kycReferenceId: kycId,
      faceMatchScore: score,
      ...(passed ? { ocrPreview: { ...preview } } : {}),
    },
    event: newEvent(tenant, 'user_verify', kyc.status, {
      userId: user.userId,
      kyc_id: kycId,
      borrower_status: to,
      source: 'borrower_app',
      ...(kyc.reason ? { reason: kyc.reason } : {}),
    }),
  });
  if (!ocr.passed) throw appErrors.ocrUnreadable();
  if (mismatched.length) throw appErrors.ocrInconsistent(mismatched);
  if (!passed)
    throw appErrors.lowFaceMatch(score, REQUIRED_FACE_MATCH_SCORE, liveness.passed ? 'face_match' : 'liveness');
  return ok(input.headers, OK.kycVerified, {
    kyc_reference_id: kycId,
    face_match_score: score,
    kyc_status: 'SYSTEM_VERIFIED',
    ocr_preview: preview,
  });
};

export const handler = middy(kycUpload).use(http(routes.appKycUpload));
