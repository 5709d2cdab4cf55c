/**
 * What one validation cost the registry: the requests it sent, by method and kind, and
 * whether it could rest on the previous report. The caller creates one per validation and
 * reads it afterwards, whether the validation passed or threw.
 */

/** What a request was for. Redirect hops (blob storage) are `redirect`; a foreign layer's own URL is `external`. */
export type RegistryRequestKind = 'ping' | 'token' | 'manifest' | 'blob' | 'referrers' | 'tag-list' | 'redirect' | 'external';

export interface RequestTally {
  readonly method: 'GET' | 'HEAD';
  readonly kind: RegistryRequestKind;
  readonly count: number;
}

export class ValidationTrace {
  private readonly counts = new Map<string, RequestTally>();
  /**
   * Set by the check when a previous report was given: true when the manifest still had its
   * digest (and its stored facts were reused), false when it had moved or could not be reused.
   */
  previousStillCurrent: boolean | undefined;

  record(method: RequestTally['method'], kind: RegistryRequestKind): void {
    const key = `${method} ${kind}`;
    const tally = this.counts.get(key);
    this.counts.set(key, { method, kind, count: (tally?.count ?? 0) + 1 });
  }

  /** Every (method, kind) that was sent at least once. */
  requests(): RequestTally[] {
    return [...this.counts.values()];
  }

  total(): number {
    let sum = 0;
    for (const tally of this.counts.values()) sum += tally.count;
    return sum;
  }
}
