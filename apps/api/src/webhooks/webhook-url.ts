import { isIP } from 'node:net';
import { DomainError } from '@app/common';
import { EgressPolicy } from '@app/oci';

/**
 * A webhook URL whose host is an IP address is checked at once against the same egress policy
 * the worker applies to every resolved address (WEBHOOK_ALLOWED_PRIVATE_HOSTS exempts
 * host:port entries). A host name is checked when it is resolved, at each delivery: it may
 * resolve elsewhere by then.
 */
export function refuseBlockedLiteralAddress(url: string, policy: EgressPolicy): void {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!isIP(host)) return;
  const decision = policy.check(host, Number(parsed.port || 443), [host]);
  if (!decision.allowed) {
    throw DomainError.validation('url', `points to a ${decision.category} address (${host}); webhooks may only reach public addresses`);
  }
}
