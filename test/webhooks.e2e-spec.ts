import * as net from 'node:net';
import IORedis from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { loadTestEnvironment } from './support/environment';
import { imageReference } from './support/images/image-description';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { findFreePort } from './support/processes/free-port';
import { waitUntil } from './support/processes/wait-until';
import { redisContains } from './support/redis-scan';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { ReceiverEndpoint, WebhookReceiver } from './support/webhook-receiver';

/**
 * Signed webhooks end to end: the API and the worker in-process over their own database and
 * Redis, a local HTTPS receiver that verifies every delivery with `standardwebhooks`.
 */
describe('webhooks (e2e)', () => {
  const env = loadTestEnvironment();
  let system: SystemHarness;
  let receiver: WebhookReceiver;
  let blackhole: net.Server;
  let blackholeConnections = 0;
  let blackholePort: number;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    blackholePort = await findFreePort();
    blackhole = net.createServer((socket) => {
      blackholeConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => blackhole.listen(blackholePort, '127.0.0.1', resolve));
    const webhooks = {
      WEBHOOK_ALLOWED_PRIVATE_HOSTS: receiver.host,
      WEBHOOK_CA_FILE: receiver.caFile,
      WEBHOOK_QUOTA_PER_ORG: '3',
    };
    system = await startSystem(env, {
      api: webhooks,
      worker: { ...webhooks, WEBHOOK_RETRY_DELAYS: '150ms*60', WEBHOOK_DISABLE_AFTER: '5s', WEBHOOK_TIMEOUT: '1s' },
    });
  });
  afterAll(async () => {
    await system?.close();
    await receiver?.close();
    await new Promise((resolve) => blackhole?.close(resolve));
  });

  const hooks = (org: string, suffix = '') => `/api/v1beta1/orgs/${org}/webhooks${suffix}`;

  async function newOrg(): Promise<{ org: string; auth: string }> {
    const org = system.api.newOrg();
    return { org, auth: await system.api.auth([org]) };
  }

  async function createWebhook(org: string, auth: string, endpoint: ReceiverEndpoint, eventTypes: string[] = ['template.']) {
    const res = await system.api.http.post(hooks(org)).set('authorization', auth).send({ url: endpoint.url, event_types: eventTypes }).expect(201);
    endpoint.verifyWith(res.body.secret);
    return res.body;
  }

  async function events(org: string, auth: string, query = ''): Promise<any[]> {
    return (await system.api.http.get(`/api/v1beta1/orgs/${org}/events${query}`).set('authorization', auth).expect(200)).body.data;
  }

  it('creates, lists, reads, changes and deletes webhooks, within the org quota', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint();
    const created = await createWebhook(org, auth, endpoint, ['template.validation.', 'template.deleted', 'template.deleted']);
    expect(created).toMatchObject({ url: endpoint.url, event_types: ['template.validation.', 'template.deleted'], enabled: true, last_delivery: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const fetched = await system.api.http.get(hooks(org, `/${created.id}`)).set('authorization', auth).expect(200);
    expect(fetched.body).toEqual({ ...created, secret: undefined, last_delivery: null });
    expect(fetched.body).not.toHaveProperty('secret');

    const patched = await system.api.http
      .patch(hooks(org, `/${created.id}`))
      .set('authorization', auth)
      .send({ description: 'console badge', enabled: false })
      .expect(200);
    expect(patched.body).toMatchObject({ description: 'console badge', enabled: false });

    await createWebhook(org, auth, receiver.endpoint());
    await createWebhook(org, auth, receiver.endpoint());
    const over = await system.api.http.post(hooks(org)).set('authorization', auth).send({ url: endpoint.url, event_types: ['template.'] }).expect(400);
    expect(over.body.code).toBe('quota_exceeded');

    const page = await system.api.http.get(hooks(org, '?limit=2')).set('authorization', auth).expect(200);
    expect(page.body.data).toHaveLength(2);
    const rest = await system.api.http.get(hooks(org, `?limit=2&cursor=${page.body.next_cursor}`)).set('authorization', auth).expect(200);
    expect(rest.body.data.map((w: { id: string }) => w.id)).toEqual([created.id]);
    expect(rest.body.next_cursor).toBeNull();
    for (const webhook of [...page.body.data, ...rest.body.data]) expect(webhook).not.toHaveProperty('secret');

    await system.api.http.delete(hooks(org, `/${created.id}`)).set('authorization', auth).expect(200);
    await system.api.http.get(hooks(org, `/${created.id}`)).set('authorization', auth).expect(404);
    await system.api.http.delete(hooks(org, `/${created.id}`)).set('authorization', auth).expect(404);
    await system.api.http.get(hooks(org, '/not-a-uuid')).set('authorization', auth).expect(404);
    await system.api.http.post(hooks(org)).set('authorization', auth).send({ url: endpoint.url, event_types: ['template.'] }).expect(201);

    const other = await newOrg();
    await system.api.http.get(hooks(org, `/${page.body.data[0].id}`)).set('authorization', other.auth).expect(403);
    await system.api.http.get(hooks(other.org, `/${page.body.data[0].id}`)).set('authorization', other.auth).expect(404);

    const audit = await events(org, auth, '?type=webhook.');
    expect(audit.map((event) => event.type)).toEqual([
      'webhook.created',
      'webhook.deleted',
      'webhook.created',
      'webhook.created',
      'webhook.updated',
      'webhook.created',
    ]);
    expect(audit[4].data).toEqual({ before: { enabled: true, description: '' }, after: { enabled: false, description: 'console badge' } });
    expect(audit[1].data).toEqual({ url: endpoint.url });
  });

  it('refuses bad URLs, blocked literal addresses, unknown event types and read-only fields', async () => {
    const { org, auth } = await newOrg();
    const refused = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await system.api.http.post(hooks(org)).set('authorization', auth).send(body).expect(400);
      expect(res.body.code).toBe('validation_error');
      expect(res.body.message).toMatch(message);
    };
    const types = { event_types: ['template.'] };
    await refused({ ...types, url: 'not a url' }, /^url: must be an absolute URL/);
    await refused({ ...types, url: 'http://hooks.example.com/x' }, /^url: must use https/);
    await refused({ ...types, url: 'https://user:pw@hooks.example.com/x' }, /^url: must not contain credentials/);
    await refused({ ...types, url: 'https://127.0.0.1:9/x' }, /^url: points to a loopback address/);
    await refused({ ...types, url: 'https://[::ffff:127.0.0.1]/x' }, /^url: points to a loopback address/);
    await refused({ ...types, url: 'https://169.254.169.254/latest/meta-data' }, /^url: points to a cloud-metadata address/);
    await refused({ ...types, url: 'https://10.1.2.3/x' }, /^url: points to a private address/);
    await refused({ ...types, url: 'https://2130706433/x' }, /^url: points to a loopback address/);
    await refused({ url: 'https://hooks.example.com/x', event_types: ['template.exploded'] }, /^event_types\[0\]: must be an event type or a prefix/);
    await refused({ url: 'https://hooks.example.com/x', event_types: ['template'] }, /^event_types\[0\]: must be an event type or a prefix/);
    await refused({ url: 'https://hooks.example.com/x', event_types: [] }, /^event_types: must list at least one/);
    await refused({ url: 'https://hooks.example.com/x' }, /^event_types: is required/);
    await refused({ ...types, url: 'https://hooks.example.com/x', secret: 'whsec_mine' }, /^secret: is read-only/);
    await refused({ ...types, url: 'https://hooks.example.com/x', extra: 1 }, /^extra: is not a known field/);

    const ok = await system.api.http.post(hooks(org)).set('authorization', auth).send({ ...types, url: 'https://hooks.example.com/x' }).expect(201);
    const patch = await system.api.http.patch(hooks(org, `/${ok.body.id}`)).set('authorization', auth).send({ url: 'https://[::1]:8443/' }).expect(400);
    expect(patch.body.message).toMatch(/^url: points to a loopback address/);
    const empty = await system.api.http.patch(hooks(org, `/${ok.body.id}`)).set('authorization', auth).send({}).expect(400);
    expect(empty.body.message).toMatch(/must contain at least one field/);
    expect(await events(org, auth, '?type=webhook.')).toHaveLength(1); // refused requests changed nothing
  });

  it('delivers every subscribed event, signed (verified with standardwebhooks), as the audit trail records it', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint();
    await createWebhook(org, auth, endpoint, ['template.']);
    const image = imageReference(env.registries.anonymous, env.images.cudaApp);
    const created = await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ image })).expect(201);
    await system.waitForFinalState(org, created.body.id);
    await system.api.http.delete(`${TEMPLATES_PATH(org)}/${created.body.id}`).set('authorization', auth).expect(200);

    const logged = (await events(org, auth, '?type=template.')).reverse();
    expect(logged.map((event) => event.type)).toEqual([
      'template.created',
      'template.validation.started',
      'template.validation.passed',
      'template.deleted',
    ]);
    await endpoint.waitFor('the four template events', () => endpoint.verifiedBodies().length >= 4 && true);
    expect(endpoint.deliveries.filter((delivery) => !delivery.verified)).toEqual([]);
    const delivered = endpoint.verifiedBodies().sort((a, b) => Number(a.data.id) - Number(b.data.id));
    expect(delivered).toEqual(logged.map((event) => ({ type: event.type, timestamp: event.occurred_at, data: event })));
    for (const delivery of endpoint.deliveries) {
      expect(delivery.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(delivery.headers['content-type']).toBe('application/json');
    }
  });

  it('retries a receiver that is down until it is back: every event at least once, the same webhook-id on every attempt', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint();
    const webhook = await createWebhook(org, auth, endpoint, ['template.created']);
    await receiver.down();
    const names = ['down one', 'down two', 'down three'];
    for (const name of names) await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name })).expect(201);
    // Failed attempts are recorded while it is down (at least two of each delivery).
    await waitUntil('two failed attempts of each delivery', async () => {
      const res = await system.api.http.get(hooks(org, `/${webhook.id}/deliveries?limit=200`)).set('authorization', auth).expect(200);
      const failed = res.body.data.filter((attempt: { outcome: string }) => attempt.outcome === 'network_error');
      return new Set(failed.filter((a: { attempt: number }) => a.attempt >= 2).map((a: { message_id: string }) => a.message_id)).size === 3;
    });
    // Back up: the first attempt of each message it sees gets a 503, the next a 200.
    const answered = new Set<string>();
    endpoint.respond((delivery) => {
      const id = delivery.headers['webhook-id'];
      if (answered.has(id)) return { status: 200, body: 'ok' };
      answered.add(id);
      return { status: 503, body: 'not yet' };
    });
    await receiver.up();
    await endpoint.waitFor('every event, answered 200', () => new Set(endpoint.verifiedBodies(200).map((b) => b.data.id)).size === 3);
    expect(endpoint.deliveries.filter((delivery) => !delivery.verified)).toEqual([]);
    const received = endpoint.verifiedBodies(200).map((body) => body.data.data.name);
    expect(new Set(received)).toEqual(new Set(names));

    type Attempt = { message_id: string; event_id: string; outcome: string; attempt: number; http_status: number | null };
    // the worker records each attempt just after the receiver answered it
    const attempts = await waitUntil('the three successes recorded', async () => {
      const res = await system.api.http.get(hooks(org, `/${webhook.id}/deliveries?limit=200`)).set('authorization', auth).expect(200);
      const page: Attempt[] = res.body.data;
      return page.filter((attempt) => attempt.outcome === 'succeeded').length === 3 && page;
    });
    const byMessage = new Map<string, typeof attempts>();
    for (const attempt of attempts) byMessage.set(attempt.message_id, [...(byMessage.get(attempt.message_id) ?? []), attempt]);
    expect(byMessage.size).toBe(3);
    for (const [messageId, history] of byMessage) {
      expect(new Set(history.map((a) => a.event_id)).size).toBe(1);
      expect(history.some((a) => a.outcome === 'network_error')).toBe(true);
      expect(history.filter((a) => a.outcome === 'succeeded')).toHaveLength(1);
      // what the receiver saw under this id: its 503 and its 200, the same webhook-id each time
      expect(endpoint.deliveries.filter((d) => d.headers['webhook-id'] === messageId).length).toBeGreaterThanOrEqual(2);
    }
    const fetched = await system.api.http.get(hooks(org, `/${webhook.id}`)).set('authorization', auth).expect(200);
    expect(fetched.body.last_delivery).toMatchObject({ status: 'succeeded', http_status: 200 });
    expect(fetched.body.enabled).toBe(true);
  });

  it('disables a webhook whose endpoint answers 410 Gone, and records it in an event', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint().respond(() => ({ status: 410, body: 'gone for good' }));
    const webhook = await createWebhook(org, auth, endpoint, ['template.created']);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    const disabled = await waitUntil('the webhook to be disabled', async () => {
      const res = await system.api.http.get(hooks(org, `/${webhook.id}`)).set('authorization', auth).expect(200);
      return res.body.enabled === false && res.body;
    });
    expect(disabled).toMatchObject({ disabled_reason: 'gone', last_delivery: { status: 'failed', http_status: 410 } });
    expect(endpoint.deliveries).toHaveLength(1);
    const [event] = await events(org, auth, '?type=webhook.disabled');
    expect(event).toMatchObject({ subject: { kind: 'webhook', id: webhook.id }, actor: { type: 'system' }, data: { url: endpoint.url, reason: 'gone' } });

    // disabled: later events are not delivered; enabled again: they are
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    const [second] = await events(org, auth, '?type=template.created&limit=1');
    await waitUntil('the dispatch to pass the event made while disabled', async () => {
      const { rows } = await system.api.db.query('SELECT last_seq::text AS seq FROM webhook_dispatch_cursors WHERE org_id = $1', [org]);
      return BigInt(rows[0].seq) >= BigInt(second.id);
    });
    endpoint.respond(() => ({ status: 204 }));
    const enabled = await system.api.http.patch(hooks(org, `/${webhook.id}`)).set('authorization', auth).send({ enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    const third = await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await endpoint.waitFor('the event after re-enabling', () => endpoint.verifiedBodies().some((b) => b.data.subject.id === third.body.id));
    expect(endpoint.deliveries).toHaveLength(2);
  });

  it('disables a webhook that fails for WEBHOOK_DISABLE_AFTER, with an event', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint().respond(() => ({ status: 500, body: 'x'.repeat(5000) }));
    const webhook = await createWebhook(org, auth, endpoint, ['template.created']);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    const disabled = await waitUntil(
      'the failing webhook to be disabled',
      async () => {
        const res = await system.api.http.get(hooks(org, `/${webhook.id}`)).set('authorization', auth).expect(200);
        return res.body.enabled === false && res.body;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(disabled.disabled_reason).toBe('failing');
    const [event] = await events(org, auth, '?type=webhook.disabled');
    expect(event.data).toEqual({ url: endpoint.url, reason: 'failing' });
    const attempts = (await system.api.http.get(hooks(org, `/${webhook.id}/deliveries`)).set('authorization', auth).expect(200)).body.data;
    expect(attempts.length).toBeGreaterThan(1);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: 'http_error', http_status: 500 });
      expect(Buffer.byteLength(attempt.response_body)).toBeLessThanOrEqual(1024);
    }
    expect(attempts[0].delivery_state).toBe('cancelled');
  });

  it('never opens a connection to a blocked address: a host name that resolves to loopback fails every attempt as blocked', async () => {
    const { org, auth } = await newOrg();
    const before = blackholeConnections;
    const res = await system.api.http
      .post(hooks(org))
      .set('authorization', auth)
      .send({ url: `https://localhost:${blackholePort}/hook`, event_types: ['template.created'] })
      .expect(201);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    const attempts = await waitUntil('two blocked attempts', async () => {
      const page = await system.api.http.get(hooks(org, `/${res.body.id}/deliveries`)).set('authorization', auth).expect(200);
      return page.body.data.length >= 2 && page.body.data;
    });
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ outcome: 'blocked', http_status: null });
      expect(attempt.error).toMatch(/localhost resolves to a loopback address/);
    }
    expect(blackholeConnections).toBe(before);
  });

  it('sends webhook.test whatever the webhook subscribes to, and gives up on a receiver that does not answer in time', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint();
    const webhook = await createWebhook(org, auth, endpoint, ['template.validation.failed']);
    const test = await system.api.http.post(hooks(org, `/${webhook.id}/test`)).set('authorization', auth).expect(202);
    const body = await endpoint.waitFor('the test event', () => endpoint.verifiedBodies().find((b) => b.type === 'webhook.test'));
    expect(body.data).toMatchObject({ id: test.body.event_id, type: 'webhook.test', subject: { kind: 'webhook', id: webhook.id }, actor: { type: 'user' } });

    endpoint.respond(() => ({ hang: true }));
    await system.api.http.post(hooks(org, `/${webhook.id}/test`)).set('authorization', auth).expect(202);
    const timedOut = await waitUntil('an attempt that timed out', async () => {
      const page = await system.api.http.get(hooks(org, `/${webhook.id}/deliveries`)).set('authorization', auth).expect(200);
      return page.body.data.find((attempt: { outcome: string }) => attempt.outcome === 'timeout');
    });
    expect(timedOut).toMatchObject({ http_status: null, event_type: 'webhook.test' });

    endpoint.respond(() => ({ status: 302, headers: { location: 'https://elsewhere.example.com/' } }));
    const seen = endpoint.deliveries.length;
    await system.api.http.post(hooks(org, `/${webhook.id}/test`)).set('authorization', auth).expect(202);
    const redirected = await waitUntil('a redirect answer', async () => {
      const page = await system.api.http.get(hooks(org, `/${webhook.id}/deliveries`)).set('authorization', auth).expect(200);
      return page.body.data.find((attempt: { http_status: number | null }) => attempt.http_status === 302);
    });
    expect(redirected).toMatchObject({ outcome: 'http_error', error: expect.stringMatching(/redirects are not followed/) });
    expect(endpoint.deliveries.length).toBeGreaterThan(seen);
    endpoint.respond(() => ({ status: 204 }));
    await system.api.http.post(hooks('other-org', `/${webhook.id}/test`)).set('authorization', auth).expect(403);
  });

  it('shows the signing secret only in the create and rotate responses, signs with the new one after a rotation, and keeps it out of logs, Redis, events and columns', async () => {
    const { org, auth } = await newOrg();
    const endpoint = receiver.endpoint();
    const webhook = await createWebhook(org, auth, endpoint, ['template.created']);
    const first = webhook.secret as string;
    const responses: string[] = [];
    const call = async (request: Promise<{ text: string }>) => responses.push((await request).text);
    await call(system.api.http.get(hooks(org, `/${webhook.id}`)).set('authorization', auth).expect(200));
    await call(system.api.http.get(hooks(org)).set('authorization', auth).expect(200));
    await call(system.api.http.patch(hooks(org, `/${webhook.id}`)).set('authorization', auth).send({ description: 'rotating' }).expect(200));
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await endpoint.waitFor('a delivery signed with the first secret', () => endpoint.verifiedBodies().length === 1);

    const rotated = await system.api.http.post(hooks(org, `/${webhook.id}/rotate-secret`)).set('authorization', auth).expect(200);
    const second = rotated.body.secret as string;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    endpoint.verifyWith(second);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await endpoint.waitFor('a delivery signed with the new secret', () => endpoint.verifiedBodies().length === 2);
    const last = endpoint.deliveries[endpoint.deliveries.length - 1];
    expect(() => new Webhook(first).verify(last.body, last.headers)).toThrow(); // the old secret no longer verifies

    await call(system.api.http.get(hooks(org, `/${webhook.id}/deliveries`)).set('authorization', auth).expect(200));
    await call(system.api.http.get(`/api/v1beta1/orgs/${org}/events`).set('authorization', auth).expect(200));
    const redis = new IORedis(system.redisUrl);
    try {
      for (const secret of [first, second]) {
        const bare = secret.slice('whsec_'.length);
        for (const text of responses) expect(text).not.toContain(bare);
        expect(system.api.logs.text).not.toContain(bare);
        expect(system.worker.logs.text).not.toContain(bare);
        expect(await redisContains(redis, bare)).toBe(false);
        for (const table of ['webhooks', 'webhook_deliveries', 'webhook_delivery_attempts', 'events']) {
          const { rows } = await system.api.db.query(`SELECT t::text AS row_text FROM ${table} t`);
          for (const row of rows) expect(row.row_text).not.toContain(bare);
        }
        const { rows } = await system.api.db.query('SELECT secret_ciphertext FROM webhooks WHERE id = $1', [webhook.id]);
        expect(Buffer.from(rows[0].secret_ciphertext).toString('latin1')).not.toContain(bare);
      }
    } finally {
      redis.disconnect();
    }
    const rotatedEvent = await events(org, auth, '?type=webhook.secret_rotated');
    expect(rotatedEvent).toHaveLength(1);
    expect(rotatedEvent[0].data).toEqual({});
  });
});
