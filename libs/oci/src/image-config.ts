import { RegistryError, ValidationErrorCode } from './errors';

/**
 * The parts of an OCI image configuration (the "config blob") this service
 * uses, normalised: missing fields become empty values.
 */
export interface ImageConfig {
  readonly os: string | undefined;
  readonly architecture: string | undefined;
  readonly variant: string | undefined;
  /** `KEY=value` entries of `config.Env`. */
  readonly env: readonly string[];
  /** `config.Labels`, string values only. */
  readonly labels: Readonly<Record<string, string>>;
  /** Keys of `config.ExposedPorts`, e.g. `8888/tcp`, `53/udp`. */
  readonly exposedPorts: readonly string[];
  /** `config.Entrypoint`, `config.Cmd`: null when unset (the runtime then uses the other, or the base image's). */
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  /** `config.WorkingDir`, `config.User`: null when unset or empty. */
  readonly workingDir: string | null;
  readonly user: string | null;
}

/** Longest argument list and argument kept for the report (a config blob may be 4 MiB). */
const MAX_ARGS = 256;
const MAX_ARG_LENGTH = 4096;

export function parseImageConfig(body: Buffer): ImageConfig {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryError(ValidationErrorCode.UnsupportedManifest, 'The image configuration is malformed: it is not valid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new RegistryError(ValidationErrorCode.UnsupportedManifest, 'The image configuration is malformed: it is not a JSON object.');
  }
  const raw = document as Record<string, unknown>;
  const container = isObject(raw.config) ? raw.config : {};
  return {
    os: stringOrUndefined(raw.os),
    architecture: stringOrUndefined(raw.architecture),
    variant: stringOrUndefined(raw.variant),
    env: Array.isArray(container.Env) ? container.Env.filter((e): e is string => typeof e === 'string') : [],
    labels: isObject(container.Labels)
      ? Object.fromEntries(Object.entries(container.Labels).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {},
    exposedPorts: isObject(container.ExposedPorts) ? Object.keys(container.ExposedPorts) : [],
    entrypoint: argumentList(container.Entrypoint),
    cmd: argumentList(container.Cmd),
    workingDir: shortString(container.WorkingDir),
    user: shortString(container.User),
  };
}

function argumentList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value
    .filter((arg): arg is string => typeof arg === 'string')
    .slice(0, MAX_ARGS)
    .map((arg) => arg.slice(0, MAX_ARG_LENGTH));
}

function shortString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_ARG_LENGTH) : null;
}

const CUDA_VERSION = /^[0-9][0-9A-Za-z.+_-]{0,31}$/;

/**
 * The `CUDA_VERSION` environment variable set by NVIDIA's CUDA base images
 * (e.g. `12.4.1`); the last definition wins, as in Docker. Null when absent or
 * not version-like.
 */
export function cudaVersionOf(config: ImageConfig): string | null {
  const entry = config.env.filter((e) => e.startsWith('CUDA_VERSION=')).pop();
  const value = entry?.slice('CUDA_VERSION='.length).trim();
  return value && CUDA_VERSION.test(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
