import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import pino from 'pino';
import type { EventRecord, EventRepository } from '@app/db';
import { EventStream, OrgChannel } from './event-stream';
import { SseConnection } from './sse-connection';

/** A socket-side stand-in for ServerResponse: what was written, and a switch for "the client stopped reading". */
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  writableNeedDrain = false;
  writableLength = 0;
  /** While stalled, writes pile up in writableLength and report a full buffer. */
  stalled = false;
  destroyed = false;
  socket = { destroyed: false };

  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (this.stalled) {
      this.writableLength += Buffer.byteLength(chunk);
      this.writableNeedDrain = true;
    }
    return !this.stalled;
  }
  drain(): void {
    this.stalled = false;
    this.writableLength = 0;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
  end(): void {
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  messages(): { id: string; event: string }[] {
    return this.chunks
      .filter((chunk) => chunk.startsWith('id: '))
      .map((chunk) => ({ id: /^id: (\S+)/.exec(chunk)![1], event: /\nevent: (\S+)/.exec(chunk)![1] }));
  }
}

function event(seq: number, type: EventRecord['type'] = 'template.created', subjectId = 'a'): EventRecord {
  return { orgId: 'o', seq: BigInt(seq), type, occurredAt: new Date(0), subject: { kind: 'template', id: subjectId }, actor: { type: 'system' }, requestId: null, data: {} };
}

/** A log of `count` events, read as the repository reads it (after a position, oldest first). */
function log(count: number, types?: (seq: number) => EventRecord['type']) {
  const events = Array.from({ length: count }, (_, i) => event(i + 1, types?.(i + 1)));
  const reads: bigint[] = [];
  const repository = {
    after: async (_org: string, after: bigint, limit: number) => {
      reads.push(after);
      return events.filter((e) => e.seq > after).slice(0, limit);
    },
  } as unknown as EventRepository;
  return { events, reads, repository, append: (e: EventRecord) => events.push(e) };
}

function streamOn(response: FakeResponse, cursor: bigint, filter = {}, maxBuffered = 1 << 20): EventStream {
  return new EventStream('s', 'o', 'caller', filter, new SseConnection(response as unknown as ServerResponse, maxBuffered), cursor);
}

describe('event streams', () => {
  const logger = pino({ level: 'silent' });

  it('sends every event after the cursor once, in order, across pages and wakes', async () => {
    const source = log(450);
    const channel = new OrgChannel('o', source.repository, logger);
    const response = new FakeResponse();
    channel.streams.add(streamOn(response, 20n));
    const reading = channel.wake();
    source.append(event(451));
    await channel.wake(); // during the read: one more round of the same read, never two reads at once
    await reading;
    const ids = response.messages().map((message) => Number(message.id));
    expect(ids).toEqual(Array.from({ length: 431 }, (_, i) => i + 21));
    expect(source.reads).toEqual([20n, 220n, 420n, 451n]); // pages of 200, then the round the second wake asked for
  });

  it('stops sending to a congested connection and resumes from its cursor after the drain', async () => {
    const source = log(10);
    const channel = new OrgChannel('o', source.repository, logger);
    const response = new FakeResponse();
    const stream = streamOn(response, 0n);
    channel.streams.add(stream);
    response.stalled = true;
    await channel.wake();
    expect(response.messages().map((m) => m.id)).toEqual(['1']); // the write that filled the socket, then nothing
    expect(stream.cursor).toBe(1n);
    response.drain();
    await channel.wake();
    expect(response.messages().map((m) => Number(m.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('applies type and subject filters, and moves past what they skip', async () => {
    const source = log(6, (seq) => (seq % 2 ? 'template.validation.passed' : 'template.updated'));
    const channel = new OrgChannel('o', source.repository, logger);
    const response = new FakeResponse();
    const stream = streamOn(response, 0n, { typePattern: 'template.validation.' });
    channel.streams.add(stream);
    await channel.wake();
    expect(response.messages()).toEqual([1, 3, 5].map((id) => ({ id: String(id), event: 'template.validation.passed' })));
    expect(stream.cursor).toBe(6n);
  });

  it('ends a connection that holds more than its bound unsent', () => {
    const response = new FakeResponse();
    const connection = new SseConnection(response as unknown as ServerResponse, 100);
    response.stalled = true;
    connection.send({ id: '1', event: 'template.created', data: 'x'.repeat(200) });
    expect(response.destroyed).toBe(true);
    expect(connection.overflowed).toBe(true);
    expect(connection.send({ id: '2', event: 'template.created', data: '{}' })).toBe(false);
  });

  it('writes id, event and data lines, and comments for heartbeats', () => {
    const response = new FakeResponse();
    const connection = new SseConnection(response as unknown as ServerResponse, 1 << 20);
    connection.open({}, 1000);
    connection.send({ id: '7', event: 'template.created', data: '{"a":1}' });
    connection.comment('heartbeat');
    expect(response.chunks).toEqual(['retry: 1000\n: stream open\n\n', 'id: 7\nevent: template.created\ndata: {"a":1}\n\n', ': heartbeat\n\n']);
  });
});
