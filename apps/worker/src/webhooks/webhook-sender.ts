import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import type { AttemptResult } from '@app/db';
import { EgressPolicy } from '@app/oci';
import { BlockedDestinationError, vettedConnector } from './webhook-egress-connector';

/** At most this much of the receiver's answer is read (and kept). */
export const MAX_RESPONSE_BYTES = 1024;
const USER_AGENT = 'airuntime-templates-webhooks/1';

/**
 * One delivery attempt: POST the signed body to the webhook's URL through the vetted
 * connector, follow no redirect, give up after WEBHOOK_TIMEOUT (connect, send, headers and
 * body together) and read at most 1 KiB of the answer. Every outcome is a result, never a throw.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { allowedPrivateHosts, caFile, timeoutMs } = config.webhooks;
    this.agent = new Agent({
      connect: vettedConnector(new EgressPolicy({ allowedPrivateHosts }), { caPem: caFile ? readCaFile(caFile) : undefined, connectTimeoutMs: timeoutMs }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connections: 4,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        body,
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
      });
      const excerpt = await readAtMost(response.body, MAX_RESPONSE_BYTES);
      const status = response.statusCode;
      const outcome = status >= 200 && status < 300 ? 'succeeded' : status === 410 ? 'gone' : 'http_error';
      return {
        outcome,
        httpStatus: status,
        error: outcome === 'succeeded' ? null : `the endpoint answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
        durationMs: elapsed(),
        responseExcerpt: excerpt,
      };
    } catch (error) {
      return { ...describeFailure(error as Error), httpStatus: null, durationMs: elapsed(), responseExcerpt: null };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

/** The body's first `limit` bytes as text; the rest is never read (the connection is dropped). */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeFailure(error: Error): Pick<AttemptResult, 'outcome' | 'error'> {
  const cause = (error as { cause?: Error }).cause ?? error;
  if (error instanceof BlockedDestinationError || cause instanceof BlockedDestinationError) return { outcome: 'blocked', error: cause.message };
  const code = (cause as NodeJS.ErrnoException).code ?? (error as NodeJS.ErrnoException).code;
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || /TIMEOUT/.test(code ?? '')) {
    return { outcome: 'timeout', error: 'no answer within WEBHOOK_TIMEOUT' };
  }
  const detail = code && /^[A-Z_]{2,40}$/.test(code) ? `${code}: ` : '';
  return { outcome: 'network_error', error: `${detail}${cause.message}`.slice(0, 300) };
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('WEBHOOK_CA_FILE', `could not be read: ${(error as Error).message}`);
  }
}
