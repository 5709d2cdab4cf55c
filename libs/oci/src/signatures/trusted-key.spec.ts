import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrustedKey } from './trusted-key';

const spki = (key: { export(options: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  key.export({ type: 'spki', format: 'pem' }).toString();

function problemOf(text: unknown): string {
  const result = parseTrustedKey(text);
  if (result.ok) throw new Error(`expected a problem, got a ${result.key.description} key`);
  return result.problem;
}

describe('parseTrustedKey', () => {
  it.each([
    ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'ecdsa-p256'],
    ['ECDSA P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'ecdsa-p384'],
    ['Ed25519', () => generateKeyPairSync('ed25519').publicKey, 'ed25519'],
    ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'rsa'],
  ])('accepts %s as SPKI PEM', (description, make, kind) => {
    const result = parseTrustedKey(spki(make()));
    expect(result).toMatchObject({ ok: true, key: { kind, description } });
  });

  it('accepts the contents of a real cosign.pub (with its trailing newline)', () => {
    const pem = readFileSync(join(__dirname, 'fixtures/sigstore-rs-busybox/cosign.pub'), 'utf8');
    const result = parseTrustedKey(pem);
    expect(result).toMatchObject({ ok: true, key: { kind: 'ecdsa-p256', pem } });
  });

  it('accepts a PKCS#1 "RSA PUBLIC KEY" and fingerprints it like the same key in SPKI form', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const pkcs1 = parseTrustedKey(publicKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    const spkiForm = parseTrustedKey(spki(publicKey));
    if (!pkcs1.ok || !spkiForm.ok) throw new Error('both forms should parse');
    expect(pkcs1.key.description).toBe('RSA 3072');
    expect(pkcs1.key.fingerprint).toBe(spkiForm.key.fingerprint);
    expect(pkcs1.key.pem).toBe(spkiForm.key.pem);
  });

  it('accepts surrounding whitespace, CRLF line ends, and a key pasted as one line', () => {
    const pem = spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    expect(parseTrustedKey(`\n  ${pem.replace(/\n/g, '\r\n')}\n\n`).ok).toBe(true);
    expect(parseTrustedKey(pem.replace(/\n/g, ' '))).toMatchObject({ ok: true, key: { pem } });
  });

  it('refuses RSA keys under 2048 bits and names the size', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(problemOf(spki(publicKey))).toBe('is an RSA key of 1024 bits; RSA keys need at least 2048 bits.');
  });

  it('refuses P-521 and other curves', () => {
    expect(problemOf(spki(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey))).toMatch(/curve P-521; only P-256 and P-384/);
    expect(problemOf(spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey))).toMatch(/curve secp256k1/);
  });

  it.each([
    ['DSA', () => generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey, /^is a key of type DSA; accepted are/],
    ['Ed448', () => generateKeyPairSync('ed448').publicKey, /^is a key of type ED448/],
    ['X25519', () => generateKeyPairSync('x25519').publicKey, /^is a key of type X25519/],
    ['RSA-PSS-restricted', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey, /RSA-PSS-restricted/],
  ])('refuses %s keys', (_name, make, message) => {
    expect(problemOf(spki(make()))).toMatch(message);
  });

  it.each([
    ['PKCS#8', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' })],
    ['SEC1 EC', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' })],
    ['PKCS#1 RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' })],
    ['cosign encrypted', () => '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n'],
  ])('refuses a %s private key without quoting it', (_name, make) => {
    const pem = make().toString();
    const message = problemOf(pem);
    expect(message).toMatch(/^is a private key\. Paste the public key instead/);
    const body = pem.split('\n')[1];
    expect(message).not.toContain(body.slice(0, 16));
  });

  it('refuses a private key pasted next to a public key', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const text = spki(pair.publicKey) + pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problemOf(text)).toMatch(/^is a private key/);
  });

  it('refuses a certificate and says how to extract its key', () => {
    const cert = readFileSync(join(__dirname, 'fixtures/securebuild-bazel-keyless/certificate.pem'), 'utf8');
    expect(problemOf(cert)).toMatch(/^is a certificate, not a public key\..*openssl x509 -pubkey -noout/);
  });

  it('refuses two keys in one entry, and text outside the block', () => {
    const one = spki(generateKeyPairSync('ed25519').publicKey);
    const two = spki(generateKeyPairSync('ed25519').publicKey);
    expect(problemOf(one + two)).toBe('holds 2 PEM blocks; give exactly one public key per entry.');
    expect(problemOf(`my key:\n${one}`)).toMatch(/^has text outside its PEM block/);
  });

  it('refuses what is not PEM, a damaged block, other PEM types, an empty value and a huge one', () => {
    expect(problemOf('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG user@host')).toMatch(/^is not PEM/);
    expect(problemOf('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toMatch(/^is not a readable public key/);
    expect(problemOf('-----BEGIN PGP PUBLIC KEY BLOCK-----\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----')).toMatch(/^is a PEM "PGP PUBLIC KEY BLOCK" block/);
    expect(problemOf('   ')).toMatch(/^must be a PEM public key/);
    expect(problemOf(42)).toMatch(/^must be a PEM public key/);
    expect(problemOf('A'.repeat(20_000))).toMatch(/^is too long \(20000 characters, at most 16384\)/);
  });
});
