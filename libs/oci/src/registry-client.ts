import { LRUCache } from 'lru-cache';
import { ContentCache } from './content-cache';
import { DRIVER_VERSION } from './cuda/versions';
import { Deadline } from './deadline';
import { EgressPolicy, EgressPolicyOptions } from './egress-policy';
import { InvalidImageReferenceError, RegistryError, ValidationErrorCode } from './errors';
import { HostResolver } from './host-resolver';
import { HttpTransport } from './http-transport';
import { HostGate } from './host-gate';
import { Inspection, inspectImage, InspectionOptions } from './image-inspection';
import { ImageReference } from './image-reference';
import { ImageValidationReport } from './image-validation-report';
import { RegistryAuthenticator, RegistryCredentials } from './registry-auth';
import { RepositorySession, RepositorySessionDeps } from './registry-session';
import { checkSignatures, SignaturePolicy } from './signatures/check-signatures';
import { PreviousValidation, usableBasis } from './validation-basis';
import { ValidationTrace } from './validation-trace';

export interface RegistryTimeouts {
  /** TCP connect plus TLS handshake, per connection. */
  connectTimeoutMs: number;
  /** Waiting for response headers (and the longest silence within a body), per request. */
  headersTimeoutMs: number;
  /** The whole validation of one image: auth, manifests, config. */
  totalTimeoutMs: number;
}

export const DEFAULT_REGISTRY_TIMEOUTS: Readonly<RegistryTimeouts> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
};

export interface RegistryClientOptions {
  /** Which hosts may be reached and which may use plain HTTP. */
  egress: EgressPolicyOptions;
  timeouts?: Partial<RegistryTimeouts>;
  /** PEM CA certificate(s) trusted in addition to the system roots (e.g. an on-premises registry's CA). */
  caPem?: string;
  /** DNS resolution; defaults to `dns.lookup(host, { all: true })`. Tests substitute it. */
  resolver?: HostResolver;
  userAgent?: string;
  /** Concurrent connections per registry endpoint (default 64). */
  maxSocketsPerHost?: number;
  /** Budget for verified manifests and configs kept across validations (default 32 MiB; 0 disables). */
  contentCacheBytes?: number;
  /**
   * The NVIDIA driver the fleet runs (e.g. `550.54.15`): images whose CUDA requirement needs
   * a newer one fail with `cuda_unsupported`. Without it, the requirement is only reported.
   */
  gpuDriverVersion?: string;
  /**
   * Admits every request per host (the worker's is shared by all workers, through Redis);
   * a 429 with Retry-After pauses the host in it. None: no limit beyond `maxSocketsPerHost`.
   */
  hostGate?: HostGate;
  /** Milliseconds since the epoch; tests substitute it to expire cached tokens. */
  clock?: () => number;
}

/** Checks a validation makes besides the registry's (they depend on who owns the template). */
export interface ImageChecks {
  /**
   * The org's image policy. With trusted keys, cosign signatures of the validated digest are
   * checked through the same session (the report gets `signatures`; a required signature that
   * is missing or invalid fails with `signature_missing` / `signature_invalid`). Without keys,
   * nothing is asked. Checked on every validation, an unchanged digest's too: signatures are
   * not part of what the previous report is reused for.
   */
  signaturePolicy?: SignaturePolicy;
}

export interface ImageCheckOptions extends ImageChecks {
  readonly credentials?: RegistryCredentials;
  /** Aborting it rejects the check with its reason. */
  readonly signal?: AbortSignal;
  /**
   * The template's last passed validation, as stored (report and basis). The manifest is then
   * HEADed first: when it still has that digest, no GET is sent and the report's facts are
   * reused (the blobs are HEADed and the CUDA requirement evaluated again).
   */
  readonly previous?: PreviousValidation;
  /** Counts this check's requests; read it also when the check throws. */
  readonly trace?: ValidationTrace;
}

/** A passed check: the report, and its basis (store both; hand them back as `previous`). */
export type ImageCheck = Inspection;

const DEFAULT_USER_AGENT = 'airuntime-template-validator/1.0';
const DEFAULT_CONTENT_CACHE_BYTES = 32 * 1024 * 1024;
/** How long "this registry has no referrers API" is believed (like the auth scheme). */
const REFERRERS_SUPPORT_TTL_MS = 10 * 60 * 1000;
/**
 * How long a layer seen present, or a referrers lookup, is believed. Neither is
 * content-addressed (a blob can be garbage-collected, an index pushed): long enough for a
 * burst of validations of one image, short against the re-validation interval.
 */
const RECENT_TTL_MS = 60 * 1000;

/**
 * Validates container images against their (untrusted, user-chosen) OCI
 * registries. One instance is meant to live for the whole worker process: it
 * pools connections and caches, across validations, registry auth schemes,
 * bearer tokens and verified (content-addressed) manifests and configs.
 */
export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly authenticator: RegistryAuthenticator;
  private readonly sessionDeps: RepositorySessionDeps;
  private readonly inspection: InspectionOptions;
  private readonly egress: EgressPolicy;
  private readonly timeouts: RegistryTimeouts;
  private readonly clock: () => number;

  constructor(options: RegistryClientOptions) {
    this.timeouts = { ...DEFAULT_REGISTRY_TIMEOUTS, ...options.timeouts };
    this.clock = options.clock ?? Date.now;
    this.egress = new EgressPolicy(options.egress);
    this.transport = new HttpTransport({
      egress: this.egress,
      timeouts: this.timeouts,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      caPem: options.caPem,
      resolver: options.resolver,
      maxSocketsPerHost: options.maxSocketsPerHost,
      hostGate: options.hostGate,
      clock: this.clock,
    });
    this.authenticator = new RegistryAuthenticator(this.transport, {
      clock: this.clock,
      requestTimeoutMs: this.timeouts.totalTimeoutMs,
    });
    if (options.gpuDriverVersion !== undefined && !DRIVER_VERSION.test(options.gpuDriverVersion)) {
      throw new Error(`gpuDriverVersion "${options.gpuDriverVersion}" is not a driver version such as 550.54.15`);
    }
    this.inspection = { gpuDriverVersion: options.gpuDriverVersion };
    this.sessionDeps = {
      transport: this.transport,
      authenticator: this.authenticator,
      contentCache: new ContentCache(options.contentCacheBytes ?? DEFAULT_CONTENT_CACHE_BYTES),
      withoutReferrersApi: new LRUCache({ max: 1_000, ttl: REFERRERS_SUPPORT_TTL_MS, perf: { now: this.clock } }),
      // lru-cache allocates its index arrays for `max` up front: 100,000 entries held 4 MB from boot on.
      presentBlobs: new LRUCache({ max: 10_000, ttl: RECENT_TTL_MS, perf: { now: this.clock } }),
      sociLookups: new LRUCache({ max: 10_000, ttl: RECENT_TTL_MS, perf: { now: this.clock } }),
      resolvedTags: new LRUCache({ max: 10_000 }),
      clock: this.clock,
    };
  }

  /**
   * Checks that the image exists, is readable with the given credentials, runs on
   * linux/amd64 with the fleet's GPU driver, and that every layer can be pulled; reports what
   * the product stores about it.
   *
   * With `checks.signaturePolicy` keys, also that it is signed as the policy asks (see ImageChecks).
   *
   * Throws `RegistryError` (see `retryable`). If `signal` aborts, rejects with
   * its reason instead.
   */
  async validateImage(
    image: ImageReference | string,
    credentials?: RegistryCredentials,
    signal?: AbortSignal,
    checks: ImageChecks = {},
  ): Promise<ImageValidationReport> {
    return (await this.checkImage(image, { credentials, signal, ...checks })).report;
  }

  /** `validateImage` with what a re-validation builds on (`previous`) and what it cost (`trace`). */
  async checkImage(image: ImageReference | string, options: ImageCheckOptions = {}): Promise<ImageCheck> {
    const ref = typeof image === 'string' ? parseReference(image) : image;
    checkCredentials(options.credentials);
    const basis = usableBasis(options.previous);
    const previous = basis && options.previous ? { report: options.previous.report, basis } : undefined;
    if (options.previous && !previous && options.trace) options.trace.previousStillCurrent = false;
    const deadline = new Deadline(this.timeouts.totalTimeoutMs, `Validating ${ref.toString()}`, options.signal);
    try {
      const session = new RepositorySession(this.sessionDeps, this.apiBaseUrl(ref), ref, options.credentials, deadline.signal, options.trace);
      const inspection = await inspectImage(session, ref, this.inspection, previous);
      const policy = options.signaturePolicy;
      if (!policy || (policy.trusted_keys.length === 0 && !policy.require_signature)) return inspection;
      const { report } = inspection;
      const subject = { digest: report.resolved_digest, platformDigest: report.platform_digest, registry: ref.registry, repository: ref.repository };
      return { ...inspection, report: { ...report, signatures: await checkSignatures(session, subject, policy) } };
    } finally {
      deadline.clear();
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /** `https://<apiHost>/v2/`, or plain http when the host:port is listed as insecure. */
  private apiBaseUrl(ref: ImageReference): URL {
    const url = new URL(`https://${ref.apiHost}/v2/`);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const plainHttpPort = url.port ? Number(url.port) : 80;
    if (this.egress.allowsPlainHttp(hostname, plainHttpPort)) url.protocol = 'http:';
    return url;
  }
}

function parseReference(image: string): ImageReference {
  try {
    return ImageReference.parse(image);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) throw new RegistryError(ValidationErrorCode.InvalidReference, error.message);
    throw error;
  }
}

function checkCredentials(credentials: RegistryCredentials | undefined): void {
  if (!credentials) return;
  if (credentials.username === '' || credentials.password === '') {
    throw new RegistryError(ValidationErrorCode.InvalidCredentials, 'Both a registry username and a token are required when credentials are given.');
  }
  if (credentials.username.includes(':')) {
    throw new RegistryError(ValidationErrorCode.InvalidCredentials, 'The registry username must not contain ":".');
  }
}
