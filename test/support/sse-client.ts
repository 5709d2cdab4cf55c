/**
 * A Server-Sent Events client for the API's event stream (any process: in-process or built):
 * fetch with a streaming body, parsed by `eventsource-parser` (the parser `eventsource` uses).
 * Every message and comment is kept; `next()` awaits the first message that matches, with a
 * deadline. A refusal (not 200) is read whole and checked against the document like any
 * other response.
 */
import { createParser, EventSourceMessage } from 'eventsource-parser';
import { checkChildResponse } from './contract/response-contract';

export interface SseStreamOptions {
  headers?: Record<string, string>;
  /** Give up connecting (not streaming) after this long. */
  connectTimeoutMs?: number;
}

export type SseOpenResult = { ok: true; status: 200; stream: SseStream } | { ok: false; status: number; body: any; headers: Headers };

export class SseStream {
  readonly messages: EventSourceMessage[] = [];
  readonly comments: string[] = [];
  /** Resolves when the server ends the stream (or the connection breaks). */
  readonly ended: Promise<void>;
  private waiters: { match: (message: EventSourceMessage) => boolean; resolve: (message: EventSourceMessage) => void }[] = [];
  private readonly controller: AbortController;
  private endedFlag = false;

  constructor(
    readonly headers: Headers,
    body: ReadableStream<Uint8Array>,
    controller: AbortController,
  ) {
    this.controller = controller;
    const parser = createParser({
      onEvent: (message) => {
        this.messages.push(message);
        this.waiters = this.waiters.filter((waiter) => {
          if (!waiter.match(message)) return true;
          waiter.resolve(message);
          return false;
        });
      },
      onComment: (comment) => this.comments.push(comment),
    });
    this.ended = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted by close(), or the connection broke
      } finally {
        this.endedFlag = true;
      }
    })();
  }

  get isEnded(): boolean {
    return this.endedFlag;
  }

  /** The messages' parsed `data` (events as JSON). */
  events(): any[] {
    return this.messages.map((message) => JSON.parse(message.data));
  }

  /** The first message (received already or later) that matches, or an error after `timeoutMs`. */
  next(description: string, match: (message: EventSourceMessage, event: any) => boolean, timeoutMs = 10_000): Promise<EventSourceMessage> {
    const matches = (message: EventSourceMessage) => match(message, JSON.parse(message.data));
    const seen = this.messages.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description} on the event stream (${this.messages.length} messages so far)`));
      }, timeoutMs);
      const done = (message: EventSourceMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push({ match: matches, resolve: done });
    });
  }

  /** Waits until the server ends the stream, with a deadline. */
  async waitForEnd(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the event stream still open after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([this.ended, timeout]).finally(() => clearTimeout(timer));
  }

  /** Disconnects (as a client that goes away). */
  async close(): Promise<void> {
    this.controller.abort();
    await this.ended;
  }
}

/** Opens the stream at `url`. */
export async function openEventStream(url: string, { headers = {}, connectTimeoutMs = 10_000 }: SseStreamOptions = {}): Promise<SseOpenResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
  const { origin, pathname } = new URL(url);
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    await checkChildResponse(origin, { method: 'GET', path: pathname, status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: text });
    return { ok: false, status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
  await checkChildResponse(origin, { method: 'GET', path: pathname, status: 200, contentType: res.headers.get('content-type') ?? undefined, body: '' });
  return { ok: true, status: 200, stream: new SseStream(res.headers, res.body, controller) };
}
