import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { loadTestEnvironment } from '../support/environment';
import { httpRequest } from '../support/built/api-client';
import type { SpawnedService } from '../support/built/built-service';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { openEventStream, SseStream } from '../support/sse-client';
import { TEMPLATES_PATH, validTemplateBody } from '../support/template-requests';
import { waitUntil } from '../support/processes/wait-until';

/** The announcement channel of Redis database 0 (libs/queue/src/event-announcements.ts). */
const CHANNEL = 'events:appended:0';

/**
 * How events reach streams held by another replica: announced on Redis pub/sub after the
 * commit, while some replica subscribes. The heartbeat (which reads the log again) is set to
 * ten minutes, so every event these tests see within seconds came through an announcement,
 * or through the catch-up reads that follow a (re-established) subscription. The suite's own
 * Redis shows what was published (a subscriber of the test's, and INFO commandstats).
 */
describe('event announcements across replicas (built processes)', () => {
  const env = loadTestEnvironment();
  let sandbox: FaultSandbox;
  let writer: SpawnedService;
  let streamer: SpawnedService;
  const open: SseStream[] = [];

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, { name: 'fault-announce', env: { EVENT_STREAM_HEARTBEAT: '10m' } });
    writer = await sandbox.system.startApi();
    streamer = await sandbox.system.startApi();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((stream) => stream.close()));
  });
  afterAll(() => sandbox?.close());

  async function member(org: string): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await sandbox.system.idp.token([org], { sub: randomUUID() })}` };
  }

  async function streamOf(org: string, headers: Record<string, string>): Promise<SseStream> {
    const opened = await openEventStream(`${streamer.url}/api/v1beta1/orgs/${org}/events/stream`, { headers });
    if (!opened.ok) throw new Error(`stream refused: ${opened.status} ${JSON.stringify(opened.body)}`);
    open.push(opened.stream);
    return opened.stream;
  }

  async function create(org: string, headers: Record<string, string>, name: string): Promise<string> {
    const res = await httpRequest('POST', `${writer.url}${TEMPLATES_PATH(org)}`, { headers, body: validTemplateBody({ name }) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const createdEvent = (stream: SseStream, id: string, timeoutMs?: number) =>
    stream.next(`template.created of ${id}`, (message, event) => message.event === 'template.created' && event.subject.id === id, timeoutMs);

  it('an event committed through one replica is announced and reaches a stream held by the other, with no heartbeat to find it', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await streamOf(org, headers);
    const observer = new IORedis(sandbox.redis.url);
    const announced: string[] = [];
    try {
      observer.on('message', (_channel: string, orgId: string) => announced.push(orgId));
      await observer.subscribe(CHANNEL);
      for (const name of ['first', 'second', 'third']) {
        const id = await create(org, headers, name);
        const message = await createdEvent(events, id);
        expect(JSON.parse(message.data)).toMatchObject({ type: 'template.created', org_id: org, subject: { kind: 'template', id } });
      }
      await waitUntil('three announcements of the org', async () => announced.filter((id) => id === org).length === 3);
    } finally {
      observer.disconnect();
    }
    expect(events.messages.map((message) => message.event)).toEqual(['template.created', 'template.created', 'template.created']);
  });

  it('the worker announces its validation events: a stream on an API replica sees the template go Active', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await streamOf(org, headers);
    const worker = await sandbox.system.startWorker();
    try {
      const res = await httpRequest('POST', `${writer.url}${TEMPLATES_PATH(org)}`, {
        headers,
        body: validTemplateBody({ image: `${sandbox.proxy.host}/${env.images.cudaApp.reference}`, ...sandbox.canaryUser.credentials }),
      });
      expect(res.status).toBe(201);
      const passed = await events.next(
        'template.validation.passed',
        (message, event) => message.event === 'template.validation.passed' && event.subject.id === res.body.id,
        30_000,
      );
      expect(JSON.parse(passed.data)).toMatchObject({ actor: { type: 'system' }, data: { status: 'Active' } });
      expect(events.messages.map((message) => message.event)).toEqual(['template.created', 'template.validation.started', 'template.validation.passed']);
    } finally {
      await worker.stop();
    }
  });

  it('after a Redis restart the stream gets what was committed meanwhile (its announcement was lost), then live events again', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const subscriptions = () => streamer.logs().filter((record) => record.msg === 'event announcements subscribed').length;
    const beforeStream = subscriptions();
    const events = await streamOf(org, headers);
    const subscribed = await waitUntil('the streaming replica to subscribe', async () => subscriptions() > beforeStream && subscriptions());

    await sandbox.redis.stopServer({ signal: 'SIGKILL' });
    // Redis is down: the create still commits (the row is the record), its announcement cannot be sent.
    const whileDown = await create(org, headers, 'while redis was down');
    await sandbox.redis.startServer();

    // The streaming replica subscribes again and reads the log: the lost announcement costs nothing.
    await createdEvent(events, whileDown, 30_000);
    const after = await create(org, headers, 'after the restart');
    await createdEvent(events, after);
    expect(events.events().map((event) => event.subject.id)).toEqual([whileDown, after]);
    expect(subscriptions()).toBe(subscribed + 1); // subscribed again once Redis was back
  });

  it('announces nothing while no replica subscribes: events are only written', async () => {
    const redis = new IORedis(sandbox.redis.url);
    const calls = async (command: string): Promise<number> => {
      const info = await redis.info('commandstats');
      return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    };
    try {
      // No stream is open (the earlier tests closed theirs): once the writing replica (the only
      // one that announces here) has looked twice more (PUBSUB NUMSUB every 500 ms), it knows
      // that no replica subscribes.
      await waitUntil('no subscriber', async () => ((await redis.pubsub('NUMSUB', CHANNEL)) as [string, number])[1] === 0);
      const looks = await calls('pubsub\\|numsub');
      await waitUntil('two more looks by the writing replica', async () => (await calls('pubsub\\|numsub')) >= looks + 2, { intervalMs: 100 });
      const published = await calls('publish');
      const org = `org-${randomUUID().slice(0, 8)}`;
      const headers = await member(org);
      const id = await create(org, headers, 'unannounced');
      const trail = await httpRequest('GET', `${writer.url}/api/v1beta1/orgs/${org}/events`, { headers });
      expect(trail.body.data.map((event: { type: string; subject: { id: string } }) => [event.type, event.subject.id])).toEqual([['template.created', id]]);
      expect(await calls('publish')).toBe(published);
    } finally {
      redis.disconnect();
    }
  });
});
