import { TEMPLATES_PATH, validTemplateBody } from '../template-requests';
import { SystemHarness } from './system-harness';

/** Creates a template (in an org of its own) through the API and waits until the worker has validated it. */
export async function createAndWait(system: SystemHarness, body: Record<string, unknown>): Promise<Record<string, any>> {
  const org = system.api.newOrg();
  const res = await system.api.http
    .post(TEMPLATES_PATH(org))
    .set('authorization', await system.api.auth([org]))
    .send(validTemplateBody(body))
    .expect(201);
  expect(res.body.status).toBe('Inactive');
  return system.waitForFinalState(org, res.body.id);
}
