/** Banks the banking flow accepts. The list is data; a live deployment replaces it with its analyser's list. */
const bank = (name: string, fullName: string, npciCode: string, aa: boolean) => ({
  name,
  fullName,
  npciCode,
  logoUrl: `https://static.lendstack.dev/banks/${npciCode.toLowerCase()}.png`,
  isPdfUpload_available: true,
  isNetBanking_available: true,
  isAaAvailable: aa,
});

export const SANDBOX_BANKS = [
  bank('SBI', 'State Bank of India', 'SBIN', false),
  bank('HDFC', 'HDFC Bank', 'HDFC', true),
  bank('ICICI', 'ICICI Bank', 'ICIC', true),
  bank('AXIS', 'Axis Bank', 'UTIB', true),
  bank('KOTAK', 'Kotak Mahindra Bank', 'KKBK', true),
  bank('PNB', 'Punjab National Bank', 'PUNB', false),
  bank('BOB', 'Bank of Baroda', 'BARB', false),
  bank('IDFC', 'IDFC FIRST Bank', 'IDFB', true),
];
