/** Small, strict parsers for environment values. Each throws ConfigError naming the variable. */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Empty strings count as unset, so `FOO=` in a compose file means "use the default". */
export function optionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function requiredString(env: Env, name: string): string {
  const value = optionalString(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `30s`, `15m`, `24h`, `2d`, `500ms`; a bare number is seconds. Returns milliseconds. */
export function duration(env: Env, name: string, fallbackMs: number, minMs: number, maxMs: number): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallbackMs;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw);
  if (!match) throw new ConfigError(name, `must be a duration such as 30s, 15m or 24h, got "${raw}"`);
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'];
  if (ms < minMs || ms > maxMs) {
    throw new ConfigError(name, `must be between ${minMs / 1000}s and ${maxMs / 1000}s, got "${raw}"`);
  }
  return ms;
}

/** A comma-separated list of durations (`5s,30s,2m`); `2h*11` repeats one. Returns milliseconds. */
export function durationList(env: Env, name: string, fallbackMs: readonly number[], minMs: number, maxMs: number): number[] {
  if (optionalString(env, name) === undefined) return [...fallbackMs];
  const delays = list(env, name).flatMap((entry) => {
    const [value, times = '1'] = entry.split('*');
    if (!/^\d{1,3}$/.test(times) || Number(times) < 1) throw new ConfigError(name, `repeats must be written as 2h*11, got "${entry}"`);
    return new Array<number>(Number(times)).fill(duration({ [name]: value }, name, 0, minMs, maxMs));
  });
  if (delays.length > 100) throw new ConfigError(name, `must list at most 100 delays, got ${delays.length}`);
  return delays;
}

/** A comma-separated list; empty entries are dropped. */
export function list(env: Env, name: string): string[] {
  const raw = optionalString(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

/** `host:port` entries, e.g. `registry.internal:5000,10.0.0.8:443`. */
export function hostPortList(env: Env, name: string): string[] {
  const entries = list(env, name);
  for (const entry of entries) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry)) {
      throw new ConfigError(name, `entries must be host:port, got "${entry}"`);
    }
  }
  return entries.map((entry) => entry.toLowerCase());
}
