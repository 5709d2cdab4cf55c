import { Webhook } from 'standardwebhooks';
import { WebhookSecretCipher } from '@app/crypto';
import { signWebhook } from './webhook-signature';

describe('signWebhook (Standard Webhooks)', () => {
  it('signs so that the standardwebhooks package verifies it, and only with the right secret, id and timestamp', () => {
    const secret = WebhookSecretCipher.generate();
    const body = JSON.stringify({ type: 'template.created', timestamp: '2026-12-01T00:00:00.000Z', data: { id: '1' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, 'msg_1', timestamp, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(WebhookSecretCipher.generate()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    const stale = timestamp - 3600;
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(stale), 'webhook-signature': signWebhook(secret, 'msg_1', stale, body) })).toThrow(/too old/i);
  });

  it('makes secrets in the whsec_ form of 32 random bytes', () => {
    const secret = WebhookSecretCipher.generate();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(WebhookSecretCipher.generate()).not.toBe(secret);
  });
});
