import { randomUUID } from 'node:crypto';
import { loadTestEnvironment, registryTarget } from './support/environment';
import { pushImage } from './support/images/push-image';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { awsEcrCredentialBody, basicCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { EventRetention } from '../apps/worker/src/events/event-retention';

/**
 * The audit trail: every change an event written in its own transaction, who made it, what
 * changed; the worker's validation outcomes; the list API's pages, filters and bad input;
 * retention. API and worker in-process over their own database and Redis.
 */
describe('event log and audit trail (e2e)', () => {
  const env = loadTestEnvironment();
  const { anonymous } = env.registries;
  let system: SystemHarness;

  beforeAll(async () => {
    system = await startSystem(env, { api: { TEMPLATE_QUOTA_PER_ORG: '4' } });
  });
  afterAll(() => system.close());

  const eventsPath = (org: string, query = '') => `/api/v1beta1/orgs/${org}/events${query}`;

  async function member(): Promise<{ org: string; auth: string; sub: string }> {
    const org = system.api.newOrg();
    const sub = randomUUID();
    return { org, sub, auth: await system.api.auth([org], sub) };
  }

  async function trail(org: string, auth: string, query = ''): Promise<any[]> {
    return (await system.api.http.get(eventsPath(org, query)).set('authorization', auth).expect(200)).body.data;
  }

  it('records who created, changed and deleted what, with the request id, newest first, and never the token', async () => {
    const { org, auth, sub } = await member();
    const canary = `audit-canary-${randomUUID()}`;
    const created = await system.api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', auth)
      .set('x-request-id', 'create-request-1')
      .send(validTemplateBody({ name: 'audited', oci_registry_username: 'robot', oci_registry_token: canary }))
      .expect(201);
    const id = created.body.id as string;
    await system.api.http
      .patch(`${TEMPLATES_PATH(org)}/${id}`)
      .set('authorization', auth)
      .set('x-request-id', 'patch-request-1')
      .send({ name: 'audited renamed', oci_registry_token: `${canary}-2` })
      .expect(200);
    await system.api.http.patch(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).send({ name: 'audited renamed' }).expect(200); // no change
    await system.api.http.delete(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).set('x-request-id', 'delete-request-1').expect(200);

    const events = (await trail(org, auth, '?type=template.')).filter((event) => event.actor.type === 'user');
    expect(events.map((event) => event.type)).toEqual(['template.deleted', 'template.updated', 'template.created']);
    const [deleted, updated, createdEvent] = events;
    expect(createdEvent).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      type: 'template.created',
      org_id: org,
      occurred_at: expect.any(String),
      subject: { kind: 'template', id },
      actor: { type: 'user', id: sub },
      request_id: 'create-request-1',
      data: {
        name: 'audited',
        description: 'A test template',
        category: 'LLM',
        image: 'ghcr.io/acme/llm-server:1.0',
        oci_registry_username: 'robot',
        has_registry_token: true,
        registry_credential_id: null,
      },
    });
    expect(updated).toMatchObject({
      request_id: 'patch-request-1',
      actor: { type: 'user', id: sub },
      data: { before: { name: 'audited' }, after: { name: 'audited renamed' }, registry_token_replaced: true },
    });
    expect(deleted).toMatchObject({ request_id: 'delete-request-1', data: { name: 'audited renamed', image: 'ghcr.io/acme/llm-server:1.0', category: 'LLM' } });
    expect(BigInt(deleted.id)).toBeGreaterThan(BigInt(updated.id));

    const { rows } = await system.api.db.query('SELECT e::text AS row_text FROM events e WHERE org_id = $1', [org]);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row.row_text).not.toContain(canary);
    expect(JSON.stringify(await trail(org, auth))).not.toContain(canary);
  });

  it('records registry credentials created, rotated (with the templates it queued), renamed and deleted, never their secrets', async () => {
    const { org, auth, sub } = await member();
    const secret = `ghp_canary${randomUUID().replace(/-/g, '')}`;
    const awsSecret = `CANARY${randomUUID().replace(/-/g, '')}`.slice(0, 40).padEnd(40, 'x');
    const basic = await system.api.http
      .post(CREDENTIALS_PATH(org))
      .set('authorization', auth)
      .set('x-request-id', 'cred-create-1')
      .send(basicCredentialBody({ name: 'ghcr robot', secret }))
      .expect(201);
    const ecr = await system.api.http
      .post(CREDENTIALS_PATH(org))
      .set('authorization', auth)
      .send(awsEcrCredentialBody({ aws_secret_access_key: awsSecret }))
      .expect(201);
    const template = await system.api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', auth)
      .send(validTemplateBody({ registry_credential_id: basic.body.id }))
      .expect(201);
    await system.api.http
      .patch(`${CREDENTIALS_PATH(org)}/${basic.body.id}`)
      .set('authorization', auth)
      .set('x-request-id', 'cred-rotate-1')
      .send({ secret: `${secret}2` })
      .expect(200);
    await system.api.http.patch(`${CREDENTIALS_PATH(org)}/${ecr.body.id}`).set('authorization', auth).send({ name: 'ecr renamed' }).expect(200);
    await system.api.http.patch(`${CREDENTIALS_PATH(org)}/${ecr.body.id}`).set('authorization', auth).send({ name: 'ecr renamed' }).expect(200); // no change
    await system.api.http.delete(`${CREDENTIALS_PATH(org)}/${basic.body.id}`).set('authorization', auth).expect(409); // in use: no event
    await system.api.http.delete(`${CREDENTIALS_PATH(org)}/${ecr.body.id}`).set('authorization', auth).set('x-request-id', 'cred-delete-1').expect(200);

    const events = await trail(org, auth, '?type=registry_credential.');
    expect(events.map((event) => event.type)).toEqual([
      'registry_credential.deleted',
      'registry_credential.updated',
      'registry_credential.updated',
      'registry_credential.created',
      'registry_credential.created',
    ]);
    const [deleted, renamed, rotated, createdEcr, createdBasic] = events;
    expect(createdBasic).toMatchObject({
      subject: { kind: 'registry_credential', id: basic.body.id },
      actor: { type: 'user', id: sub },
      request_id: 'cred-create-1',
      data: {
        name: 'ghcr robot',
        registry: 'ghcr.io',
        kind: 'basic',
        username: 'robot',
        aws_access_key_id: null,
        aws_region: null,
        aws_role_arn: null,
        aws_external_id: null,
      },
    });
    expect(createdEcr.data).toMatchObject({ kind: 'aws_ecr', aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', username: null });
    expect(rotated).toMatchObject({
      subject: { id: basic.body.id },
      request_id: 'cred-rotate-1',
      data: { before: {}, after: {}, secret_replaced: true, templates_queued: 1 },
    });
    expect(renamed.data).toEqual({ before: { name: createdEcr.data.name }, after: { name: 'ecr renamed' }, secret_replaced: false, templates_queued: 0 });
    expect(deleted).toMatchObject({ request_id: 'cred-delete-1', subject: { id: ecr.body.id }, data: { name: 'ecr renamed', registry: createdEcr.data.registry } });
    const referenced = (await trail(org, auth, `?subject_id=${template.body.id}`)).find((event) => event.type === 'template.created');
    expect(referenced.data.registry_credential_id).toBe(basic.body.id);

    const { rows } = await system.api.db.query('SELECT e::text AS row_text FROM events e WHERE org_id = $1', [org]);
    for (const row of rows) {
      expect(row.row_text).not.toContain(secret);
      expect(row.row_text).not.toContain(awsSecret);
    }
  });

  it('writes no event for a change that did not happen', async () => {
    const { org, auth } = await member();
    const first = await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: 'only once' })).expect(201);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: 'ONLY ONCE' })).expect(409);
    for (let i = 0; i < 3; i++) await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(400); // quota
    await system.api.http.delete(`${TEMPLATES_PATH(org)}/${randomUUID()}`).set('authorization', auth).expect(404);
    await system.api.http.patch(`${TEMPLATES_PATH(org)}/${randomUUID()}`).set('authorization', auth).send({ name: 'nobody' }).expect(404);
    const userEvents = (await trail(org, auth)).filter((event) => event.actor.type === 'user');
    expect(userEvents.map((event) => event.type)).toEqual(Array(4).fill('template.created'));
    // positions are gap-free: 1, 2, 3, … (the refused writes took none)
    const all = await trail(org, auth, '?limit=200');
    expect(all.map((event) => Number(event.id))).toEqual(Array.from({ length: all.length }, (_, i) => all.length - i));
    expect(all[all.length - 1].subject.id).toBe(first.body.id);
  });

  it('records the worker’s validation outcomes as the system: started, passed, failed with code and retryable, and a moved digest', async () => {
    const { org, auth } = await member();
    const target = registryTarget(anonymous);
    const repository = `gpu/audit-${randomUUID().slice(0, 8)}`;
    const first = await pushImage(target, { kind: 'image', repository, tag: 'v1', exposedPorts: ['8888/tcp'] });
    const image = `${anonymous.host}/${repository}:v1`;
    const created = await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ image })).expect(201);
    const id = created.body.id as string;
    expect((await system.waitForFinalState(org, id)).status).toBe('Active');

    const second = await pushImage(target, { kind: 'image', repository, tag: 'v1', exposedPorts: ['8888/tcp', '22/tcp'] });
    await system.api.http.post(`${TEMPLATES_PATH(org)}/${id}/validate`).set('authorization', auth).expect(202);
    await system.waitForFinalState(org, id);
    const missing = await system.api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', auth)
      .send(validTemplateBody({ image: `${anonymous.host}/${repository}:no-such-tag` }))
      .expect(201);
    expect((await system.waitForFinalState(org, missing.body.id)).validation.error.code).toBe('manifest_not_found');

    const about = (subject: string) => trail(org, auth, `?subject_id=${subject}`);
    const drifted = (await about(id)).reverse();
    expect(drifted.map((event) => event.type)).toEqual([
      'template.created',
      'template.validation.started',
      'template.validation.passed',
      'template.validation.requested',
      'template.validation.started',
      'template.validation.passed',
      'template.digest_changed',
    ]);
    expect(drifted[1]).toMatchObject({ actor: { type: 'system' }, request_id: null, data: { image, attempt: 1 } });
    expect(drifted[2].data).toEqual({ image, resolved_digest: first.digest, status: 'Active' });
    expect(drifted[3]).toMatchObject({ actor: { type: 'user' }, data: { image } });
    expect(drifted[6].data).toEqual({ image, old_digest: first.digest, new_digest: second.digest });
    expect(drifted[6].occurred_at).toBe(drifted[5].occurred_at); // one transaction

    const failed = (await about(missing.body.id)).find((event) => event.type === 'template.validation.failed');
    expect(failed).toMatchObject({
      actor: { type: 'system' },
      data: { status: 'Inactive', error: { code: 'manifest_not_found', retryable: false, message: expect.any(String) } },
    });
  });

  it('pages newest first with the event id as cursor, and filters by type prefix, subject and time', async () => {
    const { org, auth } = await member();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201)).body.id);
    await system.api.http.delete(`${TEMPLATES_PATH(org)}/${ids[0]}`).set('authorization', auth).expect(200);

    const created = await trail(org, auth, '?type=template.created');
    expect(created.map((event) => event.subject.id)).toEqual([...ids].reverse());
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await system.api.http
        .get(eventsPath(org, `?type=template.created&limit=2${cursor ? `&cursor=${cursor}` : ''}`))
        .set('authorization', auth)
        .expect(200);
      seen.push(...res.body.data.map((event) => event.id));
      cursor = res.body.next_cursor;
    }
    expect(seen).toEqual(created.map((event) => event.id));
    const before = await trail(org, auth, `?cursor=${created[0].id}`);
    expect(before.every((event) => BigInt(event.id) < BigInt(created[0].id))).toBe(true);

    expect((await trail(org, auth, `?subject_id=${ids[0]}&type=template.`)).map((event) => event.type)).toEqual(expect.arrayContaining(['template.deleted', 'template.created']));
    expect(await trail(org, auth, '?type=template.deleted')).toHaveLength(1);
    expect(await trail(org, auth, '?since=2999-01-01T00:00:00Z')).toEqual([]);
    expect((await trail(org, auth, `?since=${encodeURIComponent(created[created.length - 1].occurred_at)}&type=template.created`)).length).toBe(3);
    expect(await trail(org, auth, '?type=webhook.')).toEqual([]);

    const other = await member();
    expect(await trail(other.org, other.auth)).toEqual([]);
    await system.api.http.get(eventsPath(org)).set('authorization', other.auth).expect(403);
  });

  it('refuses bad cursors, times, types, subjects and limits', async () => {
    const { org, auth } = await member();
    const refused = async (query: string, message: RegExp) => {
      const res = await system.api.http.get(eventsPath(org, query)).set('authorization', auth).expect(400);
      expect(res.body).toEqual({ code: 'validation_error', message: expect.stringMatching(message) });
    };
    await refused('?cursor=abc', /^cursor: is not a cursor returned by this API/);
    await refused('?cursor=0', /^cursor: is not a cursor returned by this API/);
    await refused('?cursor=1&cursor=2', /^cursor: must be given once/);
    await refused('?since=yesterday', /^since: must be an RFC 3339 date-time/);
    await refused('?since=2026-13-45T99:00:00Z', /^since: must be an RFC 3339 date-time/);
    await refused('?type=template.valid', /^type: must be an event type or a prefix of types ending in a dot \(template\., template\.validation\., registry_credential\., image_policy\., webhook\.\)/);
    await refused('?type=registry.', /^type: must be an event type or a prefix/);
    await refused('?subject_id=not-a-uuid', /^subject_id: must be a UUID/);
    await refused('?limit=0', /^limit: must be a whole number from 1 to 200/);
    await refused('?org=1', /^org: is not a known query parameter/);
  });

  it('trims events older than EVENT_RETENTION in the worker', async () => {
    const { org, auth } = await member();
    await system.api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await system.api.db.query(
      `INSERT INTO events (org_id, seq, type, occurred_at, subject_kind, subject_id, actor_type, data)
       SELECT $1, 1000 + n, 'template.deleted', now() - interval '91 days', 'template', $2, 'system', '{"name": "old", "image": "x", "category": "y"}'
       FROM generate_series(1, 20) AS n`,
      [org, randomUUID()],
    );
    expect(await trail(org, auth, '?type=template.deleted')).toHaveLength(20);
    const deleted = await system.worker.app.get(EventRetention).runOnce();
    expect(deleted).toBeGreaterThanOrEqual(20);
    expect(await trail(org, auth, '?type=template.deleted')).toEqual([]);
    expect((await trail(org, auth, '?type=template.created')).length).toBe(1);
  });
});
