import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { loadTestEnvironment } from './support/environment';
import { httpRequest } from './support/built/api-client';
import type { SpawnedService } from './support/built/built-service';
import { createProcessSystem, ProcessSystem } from './support/built/process-system';
import { createCanaryUser, findCanary } from './support/built/canary';
import { waitForFinalStates, withClient } from './support/built/template-rows';
import { metricValue } from './support/built/worker-observations';
import { imageReference } from './support/images/image-description';
import { allocateRedisDatabase, createIsolatedDatabase } from './support/isolated-stores';
import { waitUntil } from './support/processes/wait-until';
import { openEventStream, SseStream } from './support/sse-client';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * The live event stream with real processes: two built API replicas and a worker over one
 * database and Redis. Events committed through one replica (or by the worker) reach streams
 * held by the other; reconnects resume from the log.
 */
describe('event stream (built processes, two API replicas)', () => {
  const env = loadTestEnvironment();
  let system: ProcessSystem;
  let api1: SpawnedService;
  let api2: SpawnedService;
  let receiver: WebhookReceiver;
  const open: SseStream[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await createProcessSystem(env, {
      databaseUrl: await createIsolatedDatabase(env),
      redisUrl: await allocateRedisDatabase(env),
      env: {
        EVENT_STREAM_HEARTBEAT: '500ms',
        EVENT_STREAMS_PER_CALLER: '2',
        WEBHOOK_ALLOWED_PRIVATE_HOSTS: receiver.host,
        WEBHOOK_CA_FILE: receiver.caFile,
      },
    });
    api1 = await system.startApi();
    api2 = await system.startApi();
    await system.startWorker();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((stream) => stream.close()));
  });
  afterAll(async () => {
    await system?.close();
    await receiver?.close();
  });

  const streamPath = (org: string, query = '') => `/api/v1beta1/orgs/${org}/events/stream${query}`;

  async function member(org: string, sub = randomUUID()): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await system.idp.token([org], { sub })}` };
  }

  async function stream(api: SpawnedService, org: string, headers: Record<string, string>, query = ''): Promise<SseStream> {
    const opened = await openEventStream(`${api.url}${streamPath(org, query)}`, { headers });
    if (!opened.ok) throw new Error(`stream refused: ${opened.status} ${JSON.stringify(opened.body)}`);
    open.push(opened.stream);
    return opened.stream;
  }

  const create = async (api: SpawnedService, org: string, headers: Record<string, string>, body: Record<string, unknown> = {}) => {
    const res = await httpRequest('POST', `${api.url}${TEMPLATES_PATH(org)}`, { headers, body: validTemplateBody(body) });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  const auditTrail = async (org: string, headers: Record<string, string>): Promise<any[]> => {
    const res = await httpRequest('GET', `${api1.url}/api/v1beta1/orgs/${org}/events?limit=200`, { headers });
    expect(res.status).toBe(200);
    return (res.body.data as any[]).reverse();
  };

  it('shows a template validated by the worker on a stream held by the other replica, within a second of the flip', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await stream(api2, org, headers);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.headers.get('x-request-id')).toBeTruthy();
    const template = await create(api1, org, headers, { image: imageReference(env.registries.anonymous, env.images.cudaApp) });
    const [row] = await waitForFinalStates(system.databaseUrl, [template.id]);
    expect(row).toMatchObject({ status: 'Active', validation_state: 'passed' });
    // The flip has committed: its event reaches the other replica's stream within a second.
    const passed = await events.next('template.validation.passed', (message, event) => message.event === 'template.validation.passed' && event.subject.id === template.id, 1000);
    const event = JSON.parse(passed.data);
    expect(passed.id).toBe(event.id);
    expect(event).toMatchObject({ type: 'template.validation.passed', org_id: org, actor: { type: 'system' }, request_id: null, data: { status: 'Active' } });
    expect(events.messages.map((message) => message.event)).toEqual(['template.created', 'template.validation.started', 'template.validation.passed']);
    expect(events.events()).toEqual(await auditTrail(org, headers));
  });

  it('resumes with Last-Event-ID: exactly the events missed while disconnected, then live ones', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const first = await stream(api1, org, headers);
    const template = await create(api2, org, headers);
    const created = await first.next('template.created', (message) => message.event === 'template.created');
    await first.close();

    const patch = await httpRequest('PATCH', `${api2.url}${TEMPLATES_PATH(org)}/${template.id}`, { headers, body: { description: 'changed while away' } });
    expect(patch.status).toBe(200);
    const other = await create(api1, org, headers);
    expect((await httpRequest('DELETE', `${api1.url}${TEMPLATES_PATH(org)}/${other.id}`, { headers })).status).toBe(200);
    const missed = (await auditTrail(org, headers)).filter((event) => BigInt(event.id) > BigInt(created.id!));
    expect(missed.map((event) => event.type)).toEqual(expect.arrayContaining(['template.updated', 'template.created', 'template.deleted']));

    const resumed = await stream(api2, org, { ...headers, 'last-event-id': created.id! });
    await resumed.next(`the ${missed.length} missed events`, () => resumed.messages.length >= missed.length);
    const live = await create(api1, org, headers);
    await resumed.next('the live event after them', (_, event) => event.subject.id === live.id);
    const liveEvents = (await auditTrail(org, headers)).filter((event) => BigInt(event.id) > BigInt(missed[missed.length - 1].id));
    expect(resumed.events()).toEqual([...missed, ...liveEvents].slice(0, resumed.messages.length));
    expect(resumed.events().slice(0, missed.length)).toEqual(missed);
    expect(new Set(resumed.messages.map((message) => message.id)).size).toBe(resumed.messages.length);
  });

  it('starts from now for a Last-Event-ID that is not one of ours, without failing', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    await create(api1, org, headers);
    for (const lastEventId of ['garbage', '999999999999', '-3', '1.5', '']) {
      const logged = await auditTrail(org, headers);
      const newest = BigInt(logged[logged.length - 1].id);
      const events = await stream(api2, org, { ...headers, 'last-event-id': lastEventId });
      const fresh = await create(api1, org, headers);
      await events.next('the new template', (_, event) => event.subject.id === fresh.id);
      // nothing from before the stream opened was replayed, and what came is in log order
      expect(events.messages.every((message) => BigInt(message.id!) > newest)).toBe(true);
      const ids = events.messages.map((message) => BigInt(message.id!));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
      await events.close();
    }
  });

  it('filters a stream by type prefix and subject, and refuses bad filters', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const validations = await stream(api2, org, headers, '?type=template.validation.');
    const template = await create(api1, org, headers, { image: imageReference(env.registries.anonymous, env.images.cudaApp) });
    // opened after the create, resuming from the log after event 1 (the create itself)
    const bySubject = await stream(api1, org, { ...headers, 'last-event-id': '1' }, `?subject_id=${template.id.toUpperCase()}`);
    await validations.next('the passed event', (message) => message.event === 'template.validation.passed', 20_000);
    expect(validations.messages.every((message) => message.event?.startsWith('template.validation.'))).toBe(true);
    await bySubject.next('the passed event', (message) => message.event === 'template.validation.passed', 20_000);
    expect(bySubject.events().every((event) => event.subject.id === template.id)).toBe(true);

    for (const query of ['?type=template', '?subject_id=42', '?since=2026-01-01T00:00:00Z']) {
      const refused = await openEventStream(`${api2.url}${streamPath(org, query)}`, { headers });
      expect(refused).toMatchObject({ ok: false, status: 400, body: { code: 'validation_error' } });
    }
  });

  it('allows EVENT_STREAMS_PER_CALLER streams per caller across replicas, then 429', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const one = await stream(api1, org, headers);
    await stream(api2, org, headers);
    const refused = await openEventStream(`${api1.url}${streamPath(org)}`, { headers });
    expect(refused).toMatchObject({ ok: false, status: 429, body: { code: 'too_many_streams', message: expect.stringMatching(/At most 2 event streams/) } });
    // another caller is not affected
    await stream(api2, org, await member(org));
    await one.close();
    const again = await waitUntil('a slot to be free again', async () => {
      const opened = await openEventStream(`${api2.url}${streamPath(org)}`, { headers });
      return opened.ok && opened.stream;
    });
    open.push(again);
    expect(await metricValue(api1, 'event_streams_refused_total')).toBeGreaterThanOrEqual(1);
  });

  it('drops a client that stops reading instead of buffering for it', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const before = await metricValue(api2, 'event_stream_disconnects_total', { reason: 'slow_reader' });
    const socket = net.connect(api2.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`GET ${streamPath(org)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${headers.authorization}\r\nAccept: text/event-stream\r\n\r\n`);
    let head = '';
    await new Promise<void>((resolve) => {
      socket.on('data', function first(chunk: Buffer) {
        head += chunk.toString('latin1');
        if (!head.includes(': stream open')) return;
        socket.off('data', first);
        socket.pause(); // from here on the client reads nothing
        resolve();
      });
    });
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    // 25 MB of events appended to the log (more than any socket buffer holds), as writers would.
    await withClient(system.databaseUrl, (db) =>
      db.query(
        `WITH head AS (
           INSERT INTO org_event_heads (org_id, last_seq) VALUES ($1, 3000)
           ON CONFLICT (org_id) DO UPDATE SET last_seq = org_event_heads.last_seq + 3000 RETURNING last_seq
         )
         INSERT INTO events (org_id, seq, type, subject_kind, subject_id, actor_type, data)
         SELECT $1, head.last_seq - 3000 + n, 'template.updated', 'template', $2, 'system',
                jsonb_build_object('before', jsonb_build_object('description', repeat('a', 4000)),
                                   'after', jsonb_build_object('description', repeat('b', 4000)), 'registry_token_replaced', false)
         FROM head, generate_series(1, 3000) AS n`,
        [org, randomUUID()],
      ),
    );
    await waitUntil('the slow reader to be dropped', async () => (await metricValue(api2, 'event_stream_disconnects_total', { reason: 'slow_reader' })) > before);
    await api2.waitForLog('the stream closed as a slow reader', (record) => record.msg === 'event stream closed' && record.orgId === org && record.reason === 'slow_reader');
    socket.destroy();
  });

  it('keeps the registry token and the webhook signing secret out of every output, response, stream, Redis key and row', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const canaryUser = await createCanaryUser(env, 'events');
    const endpoint = receiver.endpoint();
    const responses: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await httpRequest(method, `${api1.url}${path}`, { headers, body });
      responses.push(res.text);
      return res;
    };
    const events = await stream(api2, org, headers);
    const created = await httpRequest('POST', `${api1.url}/api/v1beta1/orgs/${org}/webhooks`, { headers, body: { url: endpoint.url, event_types: ['template.'] } });
    expect(created.status).toBe(201);
    const secret = (created.body.secret as string).slice('whsec_'.length);
    endpoint.verifyWith(created.body.secret);
    const template = await call('POST', TEMPLATES_PATH(org), validTemplateBody({ image: imageReference(env.registries.token, env.images.cudaApp), ...canaryUser.credentials }));
    expect(template.status).toBe(201);
    await waitForFinalStates(system.databaseUrl, [template.body.id]);
    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0); // the decrypted canary was used
    await endpoint.waitFor('the passed event', () => endpoint.verifiedBodies(204).some((body) => body.type === 'template.validation.passed'));
    await events.next('the passed event', (message) => message.event === 'template.validation.passed');
    await call('GET', `/api/v1beta1/orgs/${org}/events`);
    await call('GET', `/api/v1beta1/orgs/${org}/webhooks/${created.body.id}`);
    await call('GET', `/api/v1beta1/orgs/${org}/webhooks/${created.body.id}/deliveries`);
    await call('GET', `/api/v1beta1/orgs/${org}/webhooks`);
    const metrics = await Promise.all(system.services.filter((service) => service.isRunning()).map(async (service) => (await httpRequest('GET', `${service.url}/metrics`)).text));
    const places = {
      services: system.services,
      responses: [...responses, ...metrics, ...events.messages.map((message) => message.data), ...endpoint.deliveries.map((delivery) => delivery.body)],
      redisUrls: [system.redisUrl],
      databaseUrls: [system.databaseUrl],
    };
    expect(await findCanary(canaryUser.canary, places)).toEqual([]);
    expect(await findCanary(secret, places)).toEqual([]);
  });

  it('ends its streams cleanly on SIGTERM, and the client resumes on the other replica', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await stream(api2, org, headers);
    await create(api1, org, headers);
    const seen = await events.next('the first event', () => true);
    const exit = api2.stop({ signal: 'SIGTERM' });
    await events.waitForEnd();
    expect(events.comments).toContain('server shutting down; reconnect');
    await exit;
    expect(api2.logs().find((record) => record.msg === 'event stream closed' && record.orgId === org)).toMatchObject({ reason: 'shutdown' });
    const meanwhile = await create(api1, org, headers);
    const resumed = await stream(api1, org, { ...headers, 'last-event-id': seen.id! });
    await resumed.next('the event made while reconnecting', (_, event) => event.subject.id === meanwhile.id);
    const since = (await auditTrail(org, headers)).filter((event) => BigInt(event.id) > BigInt(seen.id!));
    expect(resumed.events()).toEqual(since.slice(0, resumed.messages.length));
  });
});
