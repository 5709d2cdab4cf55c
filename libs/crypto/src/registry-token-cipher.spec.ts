import { rawAesKeyrings } from './keyrings';
import { RegistryTokenCipher } from './registry-token-cipher';

const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });

describe('RegistryTokenCipher', () => {
  const context = { orgId: 'org-1', templateId: '6f1d3c1e-0000-4000-8000-000000000001' };

  it('round-trips a token and never stores it in the clear', async () => {
    const cipher = new RegistryTokenCipher(rawAesKeyrings([key('k1', 1)]));
    const ciphertext = await cipher.encrypt('ghp_canary_token', context);
    expect(ciphertext.toString('latin1')).not.toContain('ghp_canary_token');
    await expect(cipher.decrypt(ciphertext, context)).resolves.toBe('ghp_canary_token');
  });

  it('refuses to decrypt for another template or org', async () => {
    const cipher = new RegistryTokenCipher(rawAesKeyrings([key('k1', 1)]));
    const ciphertext = await cipher.encrypt('t', context);
    await expect(cipher.decrypt(ciphertext, { ...context, templateId: '6f1d3c1e-0000-4000-8000-000000000002' })).rejects.toThrow(/template_id/);
    await expect(cipher.decrypt(ciphertext, { ...context, orgId: 'org-2' })).rejects.toThrow(/org_id/);
  });

  it('keeps old tokens readable after a new primary key is put first', async () => {
    const old = new RegistryTokenCipher(rawAesKeyrings([key('old', 1)]));
    const rotated = new RegistryTokenCipher(rawAesKeyrings([key('new', 2), key('old', 1)]));
    const before = await old.encrypt('before', context);
    await expect(rotated.decrypt(before, context)).resolves.toBe('before');
    const after = await rotated.encrypt('after', context);
    await expect(old.decrypt(after, context)).rejects.toThrow();
  });

  it('re-encrypts under the primary key only what an older key wrapped', async () => {
    const old = new RegistryTokenCipher(rawAesKeyrings([key('old', 1)]));
    const rotated = new RegistryTokenCipher(rawAesKeyrings([key('new', 2), key('old', 1)]));
    const newOnly = new RegistryTokenCipher(rawAesKeyrings([key('new', 2)]));
    const before = await old.encrypt('tok', context);
    const after = await rotated.reencryptUnderPrimary(before, context);
    expect(after).not.toBeNull();
    await expect(newOnly.decrypt(after!, context)).resolves.toBe('tok');
    await expect(rotated.reencryptUnderPrimary(after!, context)).resolves.toBeNull();
    await expect(rotated.reencryptUnderPrimary(before, { ...context, orgId: 'other' })).rejects.toThrow(/org_id/);
  });

  it('fails cleanly on garbage', async () => {
    const cipher = new RegistryTokenCipher(rawAesKeyrings([key('k1', 1)]));
    await expect(cipher.decrypt(Buffer.from('not a message'), context)).rejects.toThrow(/could not be decrypted/);
  });

  it("binds a registry credential's secret to its org, its id and its kind", async () => {
    const cipher = new RegistryTokenCipher(rawAesKeyrings([key('k1', 1)]));
    const credential = { orgId: 'org-1', credentialId: '6f1d3c1e-0000-4000-8000-00000000000a', kind: 'basic' as const };
    const ciphertext = await cipher.encrypt('credential-secret', credential);
    await expect(cipher.decrypt(ciphertext, credential)).resolves.toBe('credential-secret');
    await expect(cipher.decrypt(ciphertext, { ...credential, credentialId: '6f1d3c1e-0000-4000-8000-00000000000b' })).rejects.toThrow(
      /credential_id" does not match this registry credential/,
    );
    await expect(cipher.decrypt(ciphertext, { ...credential, kind: 'aws_ecr' })).rejects.toThrow(/purpose/);
    await expect(cipher.decrypt(ciphertext, { orgId: 'org-1', templateId: credential.credentialId })).rejects.toThrow(/encryption context/);
  });
});
