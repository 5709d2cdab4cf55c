import { generateKeyPairSync } from 'node:crypto';
import { DomainError } from '@app/common';
import { body } from '../contract/schema-pipe';
import { IMAGE_POLICY_READ_ONLY_KEYS, ImagePolicyRequest, ImagePolicyRequestSchema } from './image-policy.schemas';

const pipe = body(ImagePolicyRequestSchema, { readOnlyKeys: IMAGE_POLICY_READ_ONLY_KEYS });

function refusal(input: unknown): string {
  try {
    pipe.transform(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  throw new Error('expected the policy to be refused');
}

const spki = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
const p256 = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
const ed25519 = spki(generateKeyPairSync('ed25519').publicKey);
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);

describe('ImagePolicyRequestSchema', () => {
  it('accepts keys of every accepted type and normalises them to SPKI PEM', () => {
    const pkcs1 = rsa2048.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const oneLine = p256.replace(/\n(?!-----END)/g, '').replace('-----BEGIN PUBLIC KEY-----', '-----BEGIN PUBLIC KEY-----\n');
    const policy: ImagePolicyRequest = pipe.transform({
      require_signature: true,
      trusted_keys: [
        { name: 'ci', public_key: oneLine },
        { name: 'release 2026', public_key: ed25519 },
        { name: 'ops.rsa', public_key: pkcs1 },
      ],
    });
    expect(policy.requireSignature).toBe(true);
    expect(policy.trustedKeys.map((entry) => [entry.name, entry.key.description, entry.key.pem])).toEqual([
      ['ci', 'ECDSA P-256', p256],
      ['release 2026', 'Ed25519', ed25519],
      ['ops.rsa', 'RSA 2048', spki(rsa2048.publicKey)],
    ]);
  });

  it('names the key and says what is wrong with it', () => {
    const keys = [
      { name: 'a', public_key: p256 },
      { name: 'b', public_key: ed25519 },
      { name: 'c', public_key: rsa1024 },
    ];
    expect(refusal({ require_signature: false, trusted_keys: keys })).toBe(
      'trusted_keys[2].public_key: is an RSA key of 1024 bits; RSA keys need at least 2048 bits.',
    );
    const privateKey = rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const message = refusal({ require_signature: false, trusted_keys: [{ name: 'oops', public_key: privateKey }] });
    expect(message).toMatch(/^trusted_keys\[0\]\.public_key: is a private key\./);
    expect(message).not.toContain(privateKey.split('\n')[1]);
    expect(refusal({ require_signature: false, trusted_keys: [{ name: 'x', public_key: 42 }] })).toBe('trusted_keys[0].public_key: must be a string');
  });

  it('keeps names unique ignoring case, and each key once', () => {
    expect(refusal({ require_signature: false, trusted_keys: [{ name: 'CI', public_key: p256 }, { name: 'ci', public_key: ed25519 }] })).toBe(
      'trusted_keys[1].name: is already the name of trusted_keys[0] (names are compared ignoring case)',
    );
    expect(refusal({ require_signature: false, trusted_keys: [{ name: 'one', public_key: p256 }, { name: 'two', public_key: p256 }] })).toBe(
      'trusted_keys[1].public_key: is the same key as trusted_keys[0]',
    );
    expect(refusal({ require_signature: false, trusted_keys: [{ name: ' ci', public_key: p256 }] })).toMatch(/^trusted_keys\[0\]\.name: may contain only/);
    expect(refusal({ require_signature: false, trusted_keys: [{ name: '', public_key: p256 }] })).toBe('trusted_keys[0].name: must be 1 to 64 characters long');
  });

  it('allows at most 20 keys, and refuses to require a signature with none', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `k${i}`, public_key: spki(generateKeyPairSync('ed25519').publicKey) }));
    expect(refusal({ require_signature: false, trusted_keys: many })).toBe('trusted_keys: must list at most 20 keys');
    expect(pipe.transform({ require_signature: false, trusted_keys: many.slice(0, 20) }).trustedKeys).toHaveLength(20);
    expect(refusal({ require_signature: true, trusted_keys: [] })).toMatch(/^trusted_keys: must list at least one key when require_signature is true/);
    expect(pipe.transform({ require_signature: false, trusted_keys: [] })).toEqual({ requireSignature: false, trustedKeys: [] });
  });

  it('refuses missing, mistyped, unknown and read-only fields by name', () => {
    expect(refusal({ trusted_keys: [] })).toBe('require_signature: is required');
    expect(refusal({ require_signature: 'yes', trusted_keys: [] })).toBe('require_signature: must be true or false');
    expect(refusal({ require_signature: false })).toBe('trusted_keys: is required');
    expect(refusal({ require_signature: false, trusted_keys: {} })).toBe('trusted_keys: must be an array of {name, public_key}');
    expect(refusal({ require_signature: false, trusted_keys: [], mode: 'strict' })).toBe('mode: is not a known field');
    expect(refusal({ require_signature: false, trusted_keys: [], updated_at: null })).toBe('updated_at: is read-only and cannot be set');
    expect(refusal({ require_signature: false, trusted_keys: [{ name: 'ci', public_key: p256, fingerprint: 'sha256:00' }] })).toBe(
      'trusted_keys[0].fingerprint: is read-only and cannot be set',
    );
  });
});
