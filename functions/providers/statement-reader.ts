/** Text of a PDF bank statement (unpdf, a serverless build of PDF.js), with its password when it has one. */
import { extractText, getDocumentProxy } from 'unpdf';

export type ReadResult = { ok: true; text: string; pages: number } | { ok: false; reason: 'password' | 'corrupt' };

export async function readStatement(bytes: Uint8Array, password?: string): Promise<ReadResult> {
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes), password ? { password } : {});
    const { text, totalPages } = await extractText(pdf, { mergePages: true });
    return { ok: true, text, pages: totalPages };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { ok: false, reason: name === 'PasswordException' ? 'password' : 'corrupt' };
  }
}
