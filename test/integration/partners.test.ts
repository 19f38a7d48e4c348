import { describe, expect, it } from 'vitest';
import {
  createPartner,
  findPrincipalByApiKey,
  findPrincipalByClientSecret,
  isCredentialActive,
  issueCredential,
  listCredentials,
  listPartners,
  revokeCredential,
  rotateCredential,
} from '#store/partners';

describe('partner credentials', () => {
  it('issues a sandbox set whose secrets start with sk_sandbox_ and resolve to the partner', async () => {
    const partner = await createPartner('Acme');
    const credential = await issueCredential(partner.partnerId, 'sandbox');
    expect(credential.clientSecret).toMatch(/^sk_sandbox_/);
    expect(credential.apiKey).toMatch(/^sk_sandbox_/);
    const principal = { partnerId: partner.partnerId, mode: 'sandbox', credentialId: credential.credentialId };
    expect(await findPrincipalByApiKey(credential.apiKey)).toEqual(principal);
    expect(await findPrincipalByClientSecret(credential.clientId, credential.clientSecret)).toEqual(principal);
    expect(await findPrincipalByClientSecret(credential.clientId, `${credential.clientSecret}x`)).toBeNull();
  });

  it('issues live secrets with sk_prod_', async () => {
    const partner = await createPartner('Acme live');
    expect((await issueCredential(partner.partnerId, 'live')).apiKey).toMatch(/^sk_prod_/);
  });

  it('stores no secret in clear', async () => {
    const partner = await createPartner('Acme stored');
    const credential = await issueCredential(partner.partnerId, 'sandbox');
    const stored = JSON.stringify(await listCredentials(partner.partnerId));
    expect(stored).not.toContain(credential.apiKey);
    expect(stored).not.toContain(credential.clientSecret);
  });

  it('makes a revoked key fail at once, everywhere', async () => {
    const partner = await createPartner('Acme revoked');
    const credential = await issueCredential(partner.partnerId, 'sandbox');
    await revokeCredential(partner.partnerId, credential.credentialId);
    expect(await findPrincipalByApiKey(credential.apiKey)).toBeNull();
    expect(await findPrincipalByClientSecret(credential.clientId, credential.clientSecret)).toBeNull();
    expect(await isCredentialActive(partner.partnerId, credential.credentialId)).toBe(false);
  });

  it('rotates: a new set works, the old one stops', async () => {
    const partner = await createPartner('Acme rotated');
    const old = await issueCredential(partner.partnerId, 'sandbox');
    const next = await rotateCredential(partner.partnerId, old.credentialId);
    expect(await findPrincipalByApiKey(old.apiKey)).toBeNull();
    expect(await findPrincipalByApiKey(next.apiKey)).toMatchObject({ partnerId: partner.partnerId, mode: 'sandbox' });
  });

  it('lists partners through the byCollection index', async () => {
    const partner = await createPartner('Acme listed');
    expect((await listPartners()).map((p) => p.partnerId)).toContain(partner.partnerId);
  });
});
