import { randomUUID } from 'node:crypto';
import { loadTestEnvironment } from '../support/environment';
import { httpRequest } from '../support/built/api-client';
import type { SpawnedService } from '../support/built/built-service';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { openEventStream, SseStream } from '../support/sse-client';
import { TEMPLATES_PATH, validTemplateBody } from '../support/template-requests';

/**
 * How events reach streams held by another replica: announced on Redis pub/sub after the
 * commit. The heartbeat (which reads the log again) is set to ten minutes, so every event
 * these tests see within seconds came through an announcement, or through the catch-up that
 * follows a re-established subscription (Redis restarted while the stream stayed open).
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

  it('an event committed through one replica reaches a stream held by the other, with no heartbeat to find it', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await streamOf(org, headers);
    for (const name of ['first', 'second', 'third']) {
      const id = await create(org, headers, name);
      const message = await createdEvent(events, id);
      expect(JSON.parse(message.data)).toMatchObject({ type: 'template.created', org_id: org, subject: { kind: 'template', id } });
    }
    expect(events.messages.map((message) => message.event)).toEqual(['template.created', 'template.created', 'template.created']);
  });

  it('after a Redis restart the stream gets what was committed meanwhile (its announcement was lost), then live events again', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const headers = await member(org);
    const events = await streamOf(org, headers);

    await sandbox.redis.stopServer({ signal: 'SIGKILL' });
    // Redis is down: the create still commits (the row is the record), its announcement cannot be sent.
    const whileDown = await create(org, headers, 'while redis was down');
    await sandbox.redis.startServer();

    // The streaming replica subscribes again and reads the log: the lost announcement costs nothing.
    await createdEvent(events, whileDown, 30_000);
    const after = await create(org, headers, 'after the restart');
    await createdEvent(events, after);
    expect(events.events().map((event) => event.subject.id)).toEqual([whileDown, after]);
    expect(streamer.logs().some((record) => record.msg === 'event announcements subscribed again')).toBe(true);
  });
});
