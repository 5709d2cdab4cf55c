import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing: `v1,` and the base64 HMAC-SHA256, keyed by the secret's bytes
 * (the base64 after `whsec_`), of `<webhook-id>.<webhook-timestamp>.<body>`. Node's HMAC is all
 * it takes; the tests verify every delivery with the `standardwebhooks` package a receiver uses.
 */
export function signWebhook(secret: string, messageId: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSec}.${body}`).digest('base64')}`;
}
