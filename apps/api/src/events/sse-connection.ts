import type { ServerResponse } from 'node:http';

/** What one stream message carries: the event's id, its type as the SSE event name, and its JSON. */
export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/**
 * One Server-Sent Events response on the raw HTTP response (the reply is hijacked from
 * Fastify). Writes never queue without limit: a write that fills the socket makes the
 * connection `congested` until the socket drains, and the stream stops sending to it until
 * then; more than `maxBufferedBytes` waiting in memory ends the connection at once.
 */
export class SseConnection {
  private closed = false;
  /** Ended because more than `maxBufferedBytes` waited unsent (a client that stopped reading). */
  overflowed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
  ) {
    // The client may have gone away already (while the stream was being set up).
    this.closed = response.destroyed || !response.socket || response.socket.destroyed;
    response.once('close', () => {
      this.closed = true;
    });
  }

  /** Status line and headers, then a first comment so proxies and clients see the stream open. */
  open(headers: Record<string, string | string[] | number>, retryMs: number): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.response.flushHeaders();
    this.write(`retry: ${retryMs}\n: stream open\n\n`);
  }

  /** False when the message was not written (closed or congested: send it later). */
  send(message: SseMessage): boolean {
    if (this.closed || this.congested) return false;
    this.write(`id: ${message.id}\nevent: ${message.event}\ndata: ${message.data}\n\n`);
    return true;
  }

  /** A comment line (`: text`), which clients ignore: the heartbeat. Skipped while congested. */
  comment(text: string): void {
    if (!this.closed && !this.congested) this.write(`: ${text}\n\n`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The socket did not take the last write; 'drain' will tell when it has. */
  get congested(): boolean {
    return this.response.writableNeedDrain;
  }

  onDrain(listener: () => void): void {
    this.response.on('drain', listener);
  }

  onClose(listener: () => void): void {
    this.response.once('close', listener);
  }

  /** A clean end (the client reconnects, e.g. to another replica, with Last-Event-ID). */
  end(comment: string): void {
    if (this.closed) return;
    if (!this.congested) this.response.write(`: ${comment}\n\n`);
    this.response.end();
  }

  /** Ends the connection without waiting for what is buffered (a client that stopped reading). */
  destroy(): void {
    if (!this.closed) this.response.destroy();
  }

  private write(chunk: string): void {
    this.response.write(chunk);
    if (this.response.writableLength > this.maxBufferedBytes) {
      this.overflowed = true;
      this.destroy();
    }
  }
}
