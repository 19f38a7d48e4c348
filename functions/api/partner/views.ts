import type { Borrower } from '#core/borrowers';
import { type CreditScoreRun, sourceView } from '#core/credit/score';
import type { BorrowerDocument } from '#store/borrowers';

/** The partner API's view of a borrower (field names as the partner guide writes them). */
export function userView(b: Borrower, documents: BorrowerDocument[]) {
  return {
    userId: b.borrowerId,
    borrower_type: b.borrowerType,
    status: b.status,
    name: b.name,
    phone: b.phone,
    email: b.email,
    ...(b.nik ? { nik: b.nik } : {}),
    ...(b.business
      ? {
          business: {
            business_name: b.business.businessName,
            nib: b.business.nib,
            npwp: b.business.npwp,
            director_name: b.business.directorName,
            director_nik: b.business.directorNik,
          },
        }
      : {}),
    kyc: b.kyc
      ? {
          kyc_id: b.kyc.kycId,
          status: b.kyc.status,
          provider: b.kyc.provider,
          started_at: b.kyc.startedAt,
          ...(b.kyc.completedAt ? { completed_at: b.kyc.completedAt } : {}),
          ...(b.kyc.reason ? { reason: b.kyc.reason } : {}),
          checks: b.kyc.checks,
        }
      : null,
    credit_score: b.creditScore ? creditScoreView(b.creditScore) : null,
    documents: documents.map((d) => ({
      documentId: d.documentId,
      document_type: d.documentType,
      created_at: d.createdAt,
    })),
    created_at: b.createdAt,
    updated_at: b.updatedAt,
  };
}

/** A credit score run as GET user shows it (the callback's data carries the same fields). */
export function creditScoreView(run: CreditScoreRun) {
  return {
    reference_id: run.referenceId,
    status: run.status,
    requested_sources: run.sources,
    score: run.score ?? null,
    grade: run.grade ?? null,
    thin_file: run.thinFile ?? false,
    sources: (run.reports ?? []).map(sourceView),
    requested_at: run.requestedAt,
    ...(run.completedAt ? { completed_at: run.completedAt } : {}),
    ...(run.reason ? { reason: run.reason } : {}),
  };
}
