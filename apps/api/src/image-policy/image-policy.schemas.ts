import { z } from 'zod';
import { MAX_PUBLIC_KEY_PEM_LENGTH, parseTrustedKey, TrustedPublicKey } from '@app/oci';
import { boundedString, requiredString, timestamp } from '../contract/common.schemas';

/**
 * The org image policy resource, defined once (see template.schemas.ts for the pattern): which
 * public keys may sign the org's images and whether a signature is required.
 */

export const MAX_TRUSTED_KEYS = 20;
export const MAX_KEY_NAME_LENGTH = 64;
/** ASCII, so lower-casing is exact case folding: names are unique ignoring case, like template names. */
const KEY_NAME_PATTERN = /^[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;

const keyName = boundedString(1, MAX_KEY_NAME_LENGTH)
  .regex(KEY_NAME_PATTERN, 'may contain only letters, digits, spaces, dots, hyphens and underscores, and must not start or end with a space')
  .meta({
    description: `How validation reports and messages name the key (e.g. "ci", "release-2026"): 1–${MAX_KEY_NAME_LENGTH} letters, digits, spaces, dots, hyphens, underscores; unique in the policy ignoring case.`,
  });

/** Parsed by `parseTrustedKey`; its problem completes "trusted_keys[i].public_key: …" and never quotes the text. */
const publicKey = requiredString()
  .transform((pem, context): TrustedPublicKey => {
    const parsed = parseTrustedKey(pem);
    if (parsed.ok) return parsed.key;
    // No `input`: a private key pasted by mistake is not carried further than this check.
    context.issues.push({ code: 'custom', message: parsed.problem, input: undefined });
    return z.NEVER;
  })
  .meta({
    maxLength: MAX_PUBLIC_KEY_PEM_LENGTH,
    description:
      'PEM public key ("-----BEGIN PUBLIC KEY-----", e.g. the contents of cosign.pub): ECDSA P-256 or P-384, Ed25519, or RSA of 2048 to 8192 bits. Certificates and private keys are refused. Stored and returned re-encoded as SPKI PEM.',
  });

const TrustedKeyRequestSchema = z.strictObject({ name: keyName, public_key: publicKey });

/** `PUT …/image-policy`: the whole policy (it replaces the stored one). */
export const ImagePolicyRequestSchema = z
  .strictObject({
    require_signature: z.boolean({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be true or false') }).meta({
      description:
        'When true, a template validates only if a signature of its image by one of trusted_keys verifies (signature_missing / signature_invalid otherwise). When false, signatures are checked and reported but never fail a template.',
    }),
    trusted_keys: z
      .array(TrustedKeyRequestSchema, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of {name, public_key}') })
      .max(MAX_TRUSTED_KEYS, `must list at most ${MAX_TRUSTED_KEYS} keys`)
      .meta({ description: `The public keys the org's images may be signed with (cosign), at most ${MAX_TRUSTED_KEYS}. Empty: signatures are not looked up.` }),
  })
  .superRefine((body, context) => {
    const names = new Map<string, number>();
    const fingerprints = new Map<string, number>();
    body.trusted_keys.forEach((key, index) => {
      const other = names.get(key.name.toLowerCase());
      if (other !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['trusted_keys', index, 'name'],
          message: `is already the name of trusted_keys[${other}] (names are compared ignoring case)`,
        });
      }
      names.set(key.name.toLowerCase(), other ?? index);
      const same = fingerprints.get(key.public_key.fingerprint);
      if (same !== undefined) {
        context.addIssue({ code: 'custom', path: ['trusted_keys', index, 'public_key'], message: `is the same key as trusted_keys[${same}]` });
      }
      fingerprints.set(key.public_key.fingerprint, same ?? index);
    });
    if (body.require_signature && body.trusted_keys.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['trusted_keys'],
        message: 'must list at least one key when require_signature is true (no template could pass); to stop requiring signatures, set require_signature to false',
      });
    }
  })
  .transform((body) => ({
    requireSignature: body.require_signature,
    trustedKeys: body.trusted_keys.map((key) => ({ name: key.name, key: key.public_key })),
  }))
  .meta({ id: 'ImagePolicyRequest', description: "The organization's image policy: the keys its images may be signed with, and whether a signature is required." });

export type ImagePolicyRequest = z.output<typeof ImagePolicyRequestSchema>;

// ---- responses -----------------------------------------------------------------------------

export const TrustedKeySchema = z
  .object({
    name: z.string().meta({ description: 'The name validation reports (signatures[].key_name) and messages use.' }),
    public_key: z.string().meta({ description: 'The key as stored: SPKI PEM ("-----BEGIN PUBLIC KEY-----").' }),
    key_type: z.string().nullable().meta({
      readOnly: true,
      description: 'e.g. "ECDSA P-256", "Ed25519", "RSA 3072"; null if this service no longer accepts the key (validations then report it as unusable).',
    }),
    fingerprint: z.string().nullable().meta({ readOnly: true, description: '`sha256:<hex>` of the key\'s SPKI DER encoding (null as for key_type).' }),
  })
  .meta({ id: 'TrustedKey', description: 'A public key the organization trusts to sign its images.' });

export const ImagePolicyResponseSchema = z
  .object({
    require_signature: z.boolean().meta({ description: 'Whether a verified signature by a trusted key is required for a template to validate.' }),
    trusted_keys: z.array(TrustedKeySchema),
    updated_at: timestamp()
      .nullable()
      .meta({ readOnly: true, description: 'When the policy was last set; null for an organization that never set one (the default policy).' }),
  })
  .meta({ id: 'ImagePolicy', description: "An organization's image policy; without one: {require_signature: false, trusted_keys: []}." });

export type ImagePolicyResponse = z.infer<typeof ImagePolicyResponseSchema>;

export const ImagePolicyUpdateResponseSchema = ImagePolicyResponseSchema.extend({
  templates_queued: z.int().meta({
    readOnly: true,
    description:
      "Templates of the organization queued for validation against the new policy (all of them when the policy changed, 0 when it is the one already stored). Each keeps its status until its validation ends.",
  }),
}).meta({ id: 'ImagePolicyUpdate', description: 'The stored policy, and how many templates are being validated again.' });

export type ImagePolicyUpdateResponse = z.infer<typeof ImagePolicyUpdateResponseSchema>;

/** Keys a PUT may not set (answered "is read-only"): what the responses add to the request. */
export const IMAGE_POLICY_READ_ONLY_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(ImagePolicyUpdateResponseSchema.shape).filter((key) => !(key in ImagePolicyRequestSchema.in.shape)),
  ...Object.keys(TrustedKeySchema.shape).filter((key) => !(key in TrustedKeyRequestSchema.shape)),
]);
