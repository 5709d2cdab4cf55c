import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { RegistryError, ValidationErrorCode } from '../errors';
import { RepositoryReader } from '../repository-reader';
import { subjectRepository } from './docker-reference';
import { DEFAULT_SIGNATURE_LIMITS, discoverSignatures, SignatureLimits } from './signature-discovery';
import { SignatureFinding } from './signature-finding';
import { keyList, NamedTrustedKey, sentence, verifySignature } from './signature-verification';
import { parseTrustedKey, TrustedKeyParseResult } from './trusted-key';

/** An org's image policy as stored and served (`GET/PUT …/image-policy`). */
export interface SignaturePolicy {
  readonly require_signature: boolean;
  readonly trusted_keys: readonly { readonly name: string; readonly public_key: string }[];
}

/** The image whose signatures are checked. */
export interface SignatureSubject {
  /** The digest validation resolved (`resolved_digest`: the index, for multi-platform images). */
  readonly digest: string;
  /** Registry as the user wrote it (`ImageReference.registry`), e.g. `ghcr.io`, `docker.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path as the user wrote it (`ImageReference.repository`), e.g. `org/app`. */
  readonly repository: string;
  /**
   * For an index: the linux/amd64 manifest validation chose from it. A signature of it counts
   * as well as one of the index: `cosign sign image:tag` signs the digest the tag resolves to
   * (the index; `cosign verify` and sigstore's policy-controller check that same digest), and
   * `cosign sign --recursive` also signs each platform manifest, which is what pipelines that
   * sign per platform leave. Either binds what is launched (the index names the platform
   * manifest by digest). Its signatures are looked up only when none of the index verifies.
   */
  readonly platformDigest?: string;
}

/** The policy failed the image; `findings` says what was found (for logs or a report). */
export class SignaturePolicyError extends RegistryError {
  constructor(
    code: ValidationErrorCode.SignatureMissing | ValidationErrorCode.SignatureInvalid,
    message: string,
    readonly findings: readonly SignatureFinding[],
  ) {
    super(code, message, { retryable: false });
  }
}

/**
 * Looks for cosign signatures of `subject.digest` and checks each against the policy's trusted keys.
 * Returns the findings (the report's `signatures`); a policy without keys sends no request and
 * returns []. With `require_signature`, throws `SignaturePolicyError` (`signature_missing`: no
 * signature by a trusted key; `signature_invalid`: only signatures by trusted keys that do not
 * verify) unless at least one signature verifies. Without it, never throws for what it finds.
 * Transient registry errors are thrown as they came, so the validation is retried.
 */
export async function checkSignatures(
  reader: RepositoryReader,
  subject: SignatureSubject,
  policy: SignaturePolicy,
  limits: SignatureLimits = DEFAULT_SIGNATURE_LIMITS,
): Promise<SignatureFinding[]> {
  const findings: SignatureFinding[] = [];
  const keys: NamedTrustedKey[] = [];
  for (const entry of policy.trusted_keys) {
    const parsed = parsedKey(entry.public_key);
    if (parsed.ok) keys.push({ name: entry.name, key: parsed.key });
    else findings.push({ key_name: null, verified: false, reason: `Trusted key ${keyList([entry])} cannot be used: it ${parsed.problem}` });
  }
  if (keys.length === 0) {
    if (policy.require_signature) {
      throw new SignaturePolicyError(
        ValidationErrorCode.SignatureMissing,
        'The organization\'s image policy requires a signature but lists no usable trusted key; add the public key images are signed with to the image policy.',
        findings,
      );
    }
    return findings;
  }

  const repository = subjectRepository(subject);
  const platform = subject.platformDigest && subject.platformDigest !== subject.digest ? subject.platformDigest : undefined;
  const accepted = platform ? [subject.digest, platform] : [subject.digest];
  const budget = { remaining: limits.maxVerifications };
  const lookUp = async (digest: string) => {
    const { candidates, notes } = await discoverSignatures(reader, digest, limits);
    const target = { digest, alsoAccepted: accepted, repository };
    for (const candidate of candidates) findings.push(verifySignature(candidate, keys, target, budget));
    for (const note of notes) findings.push({ key_name: null, verified: false, reason: sentence(capitalize(note.problem)) });
  };
  await lookUp(subject.digest);
  if (platform && !findings.some((finding) => finding.verified)) await lookUp(platform);

  if (policy.require_signature) enforce(findings, keys, subject, repository);
  return findings;
}

/**
 * Parsed keys by (the hash of) their PEM text: parsing 20 keys (RSA ones above all) costs
 * milliseconds, and every validation of an org's templates uses the same policy.
 */
const parsedKeys = new LRUCache<string, TrustedKeyParseResult>({ max: 1024 });

function parsedKey(pem: string): TrustedKeyParseResult {
  // Keyed by a hash: a stored key may be up to 16 KiB of text.
  const id = createHash('sha256').update(pem).digest('hex');
  let parsed = parsedKeys.get(id);
  if (!parsed) {
    parsed = parseTrustedKey(pem);
    parsedKeys.set(id, parsed);
  }
  return parsed;
}

function enforce(findings: SignatureFinding[], keys: readonly NamedTrustedKey[], subject: SignatureSubject, repository: string): void {
  if (findings.some((finding) => finding.verified)) return;
  const tried = `keys tried: ${keyList(keys)}`;
  const signed = subject.platformDigest && subject.platformDigest !== subject.digest ? `${subject.digest} (or of its linux/amd64 manifest ${subject.platformDigest})` : subject.digest;
  const byTrustedKeys = findings.filter((finding) => finding.key_name !== null);
  if (byTrustedKeys.length > 0) {
    const reasons = byTrustedKeys.slice(0, 3).map((finding) => finding.reason).join(' ');
    throw new SignaturePolicyError(
      ValidationErrorCode.SignatureInvalid,
      `No signature of ${signed} by a trusted key verifies (${tried}). ${reasons}${byTrustedKeys.length > 3 ? ` (${byTrustedKeys.length - 3} more.)` : ''} Sign ${repository}@${subject.digest} again.`,
      findings,
    );
  }
  const others = findings.length > 0 ? ` Found instead: ${findings.slice(0, 3).map((finding) => finding.reason).join(' ')}` : '';
  throw new SignaturePolicyError(
    ValidationErrorCode.SignatureMissing,
    `The organization's image policy requires a signature, and no signature of ${signed} by a trusted key was found (${tried}).${others} Sign it with \`cosign sign --key <key> ${repository}@${subject.digest}\`.`,
    findings,
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
