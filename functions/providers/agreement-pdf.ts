/** The loan agreement as a real PDF (pdf-lib): parties, accepted terms and the full schedule. */
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import type { LoanApplication } from '#store/applications';

export async function renderAgreement(
  app: LoanApplication,
  borrower: { name: string; customerId?: string },
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Loan agreement ${app.applicationId}`);
  pdf.setProducer('lendstack');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page = pdf.addPage([595, 842]);
  let y = 800;
  const line = (text: string, options: { size?: number; font?: typeof font } = {}) => {
    if (y < 60) {
      page = pdf.addPage([595, 842]);
      y = 800;
    }
    page.drawText(text, { x: 50, y, size: options.size ?? 10, font: options.font ?? font, color: rgb(0.1, 0.1, 0.1) });
    y -= (options.size ?? 10) + 6;
  };
  line('LOAN AGREEMENT', { size: 18, font: bold });
  line(
    app.partner
      ? `Loan ${app.applicationId}   Reference ${app.partner.referenceId}   Date ${app.createdAt.slice(0, 10)}`
      : `Application ${app.applicationId}   Offer ${app.offerId}   Date ${app.createdAt.slice(0, 10)}`,
  );
  y -= 8;
  line(`Borrower: ${borrower.name || '(name on file)'}   Customer ID: ${borrower.customerId ?? app.customerId}`);
  if (app.partner) {
    // A partner loan's terms as its request gave them (see functions/api/partner/loans.ts).
    const t = app.partner.terms;
    line(
      `Principal: ${app.currency} ${app.amount}   ${app.partner.type === 'BNPL' ? `${t.installments} ${t.frequency} installments` : `Single payment after ${t.tenor_days} days`}   Interest: ${t.interest_rate} % per ${t.rate_period} (${t.method}, ${t.day_count})`,
    );
    const to = app.partner.disbursementAccount;
    line(`Disbursed to: ${to.bankCode} account ending ${to.accountNumber.slice(-4)} (${to.accountName})`);
    line(`Fees deducted at disbursal: ${app.currency} ${app.schedule.upfrontFees}`);
  } else {
    line(
      `Principal: ${app.currency} ${app.amount}   Tenure: ${app.tenure} months   Interest: ${app.interest} % per year (reducing balance)`,
    );
    line(`Fees deducted at disbursal (processing fee and GST): ${app.currency} ${app.schedule.upfrontFees}`);
  }
  line(
    `Amount disbursed: ${app.currency} ${app.schedule.netDisbursed}   Total repayable: ${app.currency} ${app.schedule.totals.total}`,
  );
  y -= 8;
  line('Repayment schedule', { size: 12, font: bold });
  line('No.   Due date      Principal       Interest        Fees        Total', { font: bold });
  for (const i of app.schedule.installments) {
    const cols = [
      String(i.number).padEnd(6),
      i.dueDate.padEnd(14),
      i.principal.padStart(10),
      i.interest.padStart(14),
      i.fees.padStart(12),
      i.total.padStart(12),
    ];
    line(cols.join(''));
  }
  y -= 8;
  line('The due dates are re-based on the disbursal date; the amounts stay as shown.');
  line("Signed electronically by the borrower through the lender's e-sign provider.");
  return pdf.save();
}
