/**
 * The one HTTP client for the API and worker processes the tests start (built/, the fault
 * suites): `httpRequest` for any endpoint, `TemplatesApiClient` for the templates endpoints
 * as an org member. In-process suites use `startApi` (in-process/api-harness.ts) instead.
 */
import type { TestIdentityProvider } from '../identity-provider';
import { checkChildResponse } from '../contract/response-contract';
import { CREDENTIALS_PATH } from '../registry-credential-requests';
import { TEMPLATES_PATH } from '../template-requests';

export interface HttpAnswer {
  status: number;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any;
  headers: Headers;
}

/** One HTTP request with a deadline (a hung server fails the request, not the whole suite). */
export async function httpRequest(
  method: string,
  url: string,
  { headers = {}, body, timeoutMs = 10_000 }: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const { origin, pathname } = new URL(url);
  await checkChildResponse(origin, { method, path: pathname, status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: text });
  return { status: res.status, text, body: parsed, headers: res.headers };
}

/** The API process's templates and registry credentials endpoints, as an org member; keeps every response body it saw. */
export class TemplatesApiClient {
  /** Every response body, for canary checks. */
  readonly responses: string[] = [];
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly idp: TestIdentityProvider,
  ) {}

  create(orgId: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(orgId, 'POST', TEMPLATES_PATH(orgId), body);
  }
  get(orgId: string, templateId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', `${TEMPLATES_PATH(orgId)}/${templateId}`);
  }
  list(orgId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', TEMPLATES_PATH(orgId));
  }
  /** POST …/validate: queue a new validation (202). */
  validate(orgId: string, templateId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'POST', `${TEMPLATES_PATH(orgId)}/${templateId}/validate`);
  }
  delete(orgId: string, templateId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'DELETE', `${TEMPLATES_PATH(orgId)}/${templateId}`);
  }

  patch(orgId: string, templateId: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(orgId, 'PATCH', `${TEMPLATES_PATH(orgId)}/${templateId}`, body);
  }
  createCredential(orgId: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(orgId, 'POST', CREDENTIALS_PATH(orgId), body);
  }
  getCredential(orgId: string, credentialId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', `${CREDENTIALS_PATH(orgId)}/${credentialId}`);
  }
  listCredentials(orgId: string): Promise<HttpAnswer> {
    return this.call(orgId, 'GET', CREDENTIALS_PATH(orgId));
  }
  patchCredential(orgId: string, credentialId: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.call(orgId, 'PATCH', `${CREDENTIALS_PATH(orgId)}/${credentialId}`, body);
  }

  private async call(orgId: string, method: string, route: string, body?: unknown): Promise<HttpAnswer> {
    let token = this.tokens.get(orgId);
    if (!token) {
      token = await this.idp.token([orgId]);
      this.tokens.set(orgId, token);
    }
    const answer = await httpRequest(method, `${this.baseUrl()}${route}`, { headers: { authorization: `Bearer ${token}` }, body });
    this.responses.push(answer.text);
    return answer;
  }
}
