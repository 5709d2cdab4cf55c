import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { expectMatchesResponse, LIST_PATH } from './support/openapi';

/** List pagination (limit, opaque cursor) and filters; stable under concurrent writes. */
describe('list pagination and filters (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment(), { TEMPLATE_QUOTA_PER_ORG: '1000' });
  });
  afterAll(() => api.close());

  async function seed(org: string, auth: string, count: number, body: (i: number) => Record<string, unknown> = () => ({})): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: `item ${i}`, ...body(i) })).expect(201);
      ids.push(res.body.id);
    }
    return ids;
  }

  /** Newest first, ties (same millisecond) broken by id: the order the API promises. */
  async function dbOrder(org: string): Promise<string[]> {
    const { rows } = await api.db.query('SELECT id FROM templates WHERE org_id = $1 ORDER BY created_at DESC, id DESC', [org]);
    return rows.map((row) => row.id);
  }

  async function readAll(org: string, auth: string, query: Record<string, string>, between?: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await api.http
        .get(TEMPLATES_PATH(org))
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .set('authorization', auth)
        .expect(200);
      expectMatchesResponse(res.body, LIST_PATH, 'get', 200);
      seen.push(...res.body.data.map((t: { id: string }) => t.id));
      cursor = res.body.next_cursor;
      if (between) await between();
    } while (cursor);
    return seen;
  }

  it('pages newest first with limit and next_cursor (null on the last page), default 50', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const ids = await seed(org, auth, 55);
    const first = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).expect(200);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(ids).toHaveLength(55);
    expect(await readAll(org, auth, { limit: '7' })).toEqual(await dbOrder(org));
    const exact = await api.http.get(TEMPLATES_PATH(org)).query({ limit: '200' }).set('authorization', auth).expect(200);
    expect(exact.body.data).toHaveLength(55);
    expect(exact.body.next_cursor).toBeNull();
  });

  it('never skips or repeats an item while pages are read during concurrent creates and deletes', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const ids = await seed(org, auth, 30);
    const expected = await dbOrder(org);
    const deleted = new Set<string>();
    let extra = 0;
    const seen = await readAll(org, auth, { limit: '4' }, async () => {
      // between pages: one new template (newer than every page, so never in this walk) and one deletion
      await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: `late ${extra++}` })).expect(201);
      const victim = ids.find((id) => !deleted.has(id));
      if (victim) {
        deleted.add(victim);
        await api.http.delete(`${TEMPLATES_PATH(org)}/${victim}`).set('authorization', auth).expect(200);
      }
    });
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    // every original item not deleted before its page was read appears, in order
    expect(seen).toEqual(expected.filter((id) => seen.includes(id)));
    const missing = expected.filter((id) => !seen.includes(id));
    for (const id of missing) expect(deleted.has(id)).toBe(true);
  });

  it('filters by status, category and case-insensitive name prefix', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    await seed(org, auth, 6, (i) => ({ name: i % 2 ? `Llama ${i}` : `mistral ${i}`, category: i < 3 ? 'LLM' : 'Vision' }));
    await api.db.query("UPDATE templates SET status = 'Active' WHERE org_id = $1 AND name IN ('Llama 1', 'mistral 4')", [org]);
    const names = async (query: Record<string, string>) =>
      (await api.http.get(TEMPLATES_PATH(org)).query(query).set('authorization', auth).expect(200)).body.data.map((t: { name: string }) => t.name);
    expect(await names({ status: 'Active' })).toEqual(['mistral 4', 'Llama 1']);
    expect(await names({ category: 'Vision' })).toEqual(['Llama 5', 'mistral 4', 'Llama 3']);
    expect(await names({ name_prefix: 'LLAMA' })).toEqual(['Llama 5', 'Llama 3', 'Llama 1']);
    expect(await names({ name_prefix: 'llama', category: 'LLM', status: 'Active' })).toEqual(['Llama 1']);
    expect(await names({ name_prefix: '%' })).toEqual([]);
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '201' }],
    ['limit', { limit: 'ten' }],
    ['cursor', { cursor: 'not-a-cursor' }],
    ['status', { status: 'active' }],
    ['category', { category: 'c'.repeat(65) }],
    ['sort', { sort: 'name' }],
  ])('answers 400 naming the parameter %s', async (parameter, query) => {
    const org = api.newOrg();
    const res = await api.http.get(TEMPLATES_PATH(org)).query(query).set('authorization', await api.auth([org])).expect(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.message).toMatch(new RegExp(`^${parameter}:`));
  });
});
