import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { generateTestKeyPair, signPayload, TestKeyKind } from '../testing/cosign-signatures';
import { verifiesWith } from './signature-algorithms';
import { parseTrustedKey, TrustedPublicKey } from './trusted-key';

function trusted(pem: string): TrustedPublicKey {
  const result = parseTrustedKey(pem);
  if (!result.ok) throw new Error(result.problem);
  return result.key;
}

const payload = Buffer.from('{"critical":{}}');

describe('verifiesWith', () => {
  it.each<TestKeyKind>(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'ed25519ph', 'rsa-2048', 'rsa-pss-2048'])(
    'verifies a %s signature the way cosign makes it, and nothing else',
    (kind) => {
      const pair = generateTestKeyPair(kind);
      const key = trusted(pair.publicKeyPem);
      const signature = Buffer.from(signPayload(pair, payload), 'base64');
      expect(verifiesWith(key, payload, signature)).toBe(true);
      expect(verifiesWith(key, Buffer.from('{"critical":{ }}'), signature)).toBe(false);
      const other = trusted(generateTestKeyPair(kind).publicKeyPem);
      expect(verifiesWith(other, payload, signature)).toBe(false);
    },
  );

  it('accepts P-384 signatures over SHA-256 too (cosign before it chose the hash by key)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const signature = sign('sha256', payload, { key: privateKey, dsaEncoding: 'der' });
    expect(verifiesWith(trusted(publicKey.export({ type: 'spki', format: 'pem' }).toString()), payload, signature)).toBe(true);
  });

  it('refuses P-256 signatures over another hash, and P1363 (raw r||s) encoding', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = trusted(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(verifiesWith(key, payload, sign('sha512', payload, { key: privateKey, dsaEncoding: 'der' }))).toBe(false);
    expect(verifiesWith(key, payload, sign('sha256', payload, { key: privateKey, dsaEncoding: 'ieee-p1363' }))).toBe(false);
  });

  it('refuses RSA signatures over SHA-1', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = trusted(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(verifiesWith(key, payload, sign('sha1', payload, privateKey))).toBe(false);
  });

  it('treats malformed signature bytes as not verifying', () => {
    for (const kind of ['ecdsa-p256', 'ed25519', 'rsa-2048'] as const) {
      const key = trusted(generateTestKeyPair(kind).publicKeyPem);
      for (const bytes of [Buffer.alloc(0), Buffer.from([0x30, 0x02, 0x01]), Buffer.alloc(64, 0xff), Buffer.alloc(256, 0x30)]) {
        expect(verifiesWith(key, payload, bytes)).toBe(false);
      }
    }
  });

  // RFC 8032 section 7.3, "TEST abc": the published Ed25519ph vector, so Ed25519ph is checked
  // against the standard and not only against this project's own signer.
  it('verifies the RFC 8032 Ed25519ph test vector', () => {
    const seed = Buffer.from('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42', 'hex');
    const publicRaw = Buffer.from('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'hex');
    const signature = Buffer.from(
      '98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406',
      'hex',
    );
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicRaw.toString('base64url') }, format: 'jwk' });
    const key = trusted(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(verifiesWith(key, Buffer.from('abc'), signature)).toBe(true);
    expect(verifiesWith(key, Buffer.from('abd'), signature)).toBe(false);
    // The vector's key pair is the one the test signer would use for that seed.
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicRaw.toString('base64url'), d: seed.toString('base64url') },
      format: 'jwk',
    });
    const resigned = signPayload({ kind: 'ed25519ph', privateKey, publicKeyPem: key.pem }, Buffer.from('abc'));
    expect(Buffer.from(resigned, 'base64').equals(signature)).toBe(true);
  });
});
