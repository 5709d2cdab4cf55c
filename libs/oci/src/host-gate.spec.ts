import { HostBusyError, LocalHostGate } from './host-gate';

describe('LocalHostGate', () => {
  const never = new AbortController().signal;

  /** Settles-or-not without waiting on time: true once `promise` has settled. */
  function settled(promise: Promise<unknown>): () => boolean {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    return () => done;
  }
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('grants at most maxPerHost permits per host, the next one in arrival order as permits are released', async () => {
    const gate = new LocalHostGate({ maxPerHost: 2, maxWaitMs: 60_000 });
    const a = await gate.acquire('r.example:443', never);
    const b = await gate.acquire('r.example:443', never);
    const other = await gate.acquire('other.example:443', never);
    const order: string[] = [];
    const third = gate.acquire('r.example:443', never).then((release) => (order.push('third'), release));
    const fourth = gate.acquire('r.example:443', never).then((release) => (order.push('fourth'), release));
    const thirdDone = settled(third);
    await turn();
    expect(thirdDone()).toBe(false);
    expect(gate.inFlight('r.example:443')).toBe(2);

    a();
    (await third)();
    b();
    (await fourth)();
    other();
    expect(order).toEqual(['third', 'fourth']);
    expect(gate.inFlight('r.example:443')).toBe(0);
  });

  it('ignores a second release of the same permit', async () => {
    const gate = new LocalHostGate({ maxPerHost: 1, maxWaitMs: 60_000 });
    const release = await gate.acquire('h:443', never);
    release();
    release();
    expect(gate.inFlight('h:443')).toBe(0);
    await gate.acquire('h:443', never);
    expect(gate.inFlight('h:443')).toBe(1);
  });

  it('rejects a waiter with the signal reason when it aborts, and lets the next one have the permit', async () => {
    const gate = new LocalHostGate({ maxPerHost: 1, maxWaitMs: 60_000 });
    const held = await gate.acquire('h:443', never);
    const controller = new AbortController();
    const abandoned = gate.acquire('h:443', controller.signal);
    const next = gate.acquire('h:443', never);
    controller.abort(new Error('validation deadline'));
    await expect(abandoned).rejects.toThrow('validation deadline');
    held();
    (await next)();
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-01T12:00:00Z') }));
    afterEach(() => jest.useRealTimers());

    it('gives up after maxWaitMs with a busy HostBusyError', async () => {
      const gate = new LocalHostGate({ maxPerHost: 1, maxWaitMs: 1_000 });
      await gate.acquire('h:443', never);
      const waiting = gate.acquire('h:443', never);
      jest.advanceTimersByTime(1_000);
      await expect(waiting).rejects.toMatchObject({ name: 'HostBusyError', reason: 'busy', host: 'h:443' });
    });

    it('holds every request to a paused host until the pause ends', async () => {
      const gate = new LocalHostGate({ maxPerHost: 4, maxWaitMs: 10_000 });
      await gate.pause('h:443', Date.now() + 3_000);
      const waiting = gate.acquire('h:443', never);
      const done = settled(waiting);
      jest.advanceTimersByTime(2_999);
      await Promise.resolve();
      expect(done()).toBe(false);
      jest.advanceTimersByTime(1);
      (await waiting)();
      // Other hosts are not paused.
      (await gate.acquire('other:443', never))();
    });

    it('refuses at once, saying how long, when the pause outlasts the longest wait; waiters learn it when the pause comes', async () => {
      const gate = new LocalHostGate({ maxPerHost: 1, maxWaitMs: 5_000 });
      const held = await gate.acquire('h:443', never);
      const waiting = gate.acquire('h:443', never);
      await gate.pause('h:443', Date.now() + 60_000);
      await expect(waiting).rejects.toEqual(expect.objectContaining({ reason: 'paused', retryAfterMs: 60_000 }));
      const refused = await gate.acquire('h:443', never).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HostBusyError);
      expect(refused).toMatchObject({ reason: 'paused', retryAfterMs: 60_000 });
      held();
    });

    it('keeps the later of two pauses', async () => {
      const gate = new LocalHostGate({ maxPerHost: 1, maxWaitMs: 1_000 });
      await gate.pause('h:443', Date.now() + 30_000);
      await gate.pause('h:443', Date.now() + 10_000);
      await expect(gate.acquire('h:443', never)).rejects.toMatchObject({ retryAfterMs: 30_000 });
    });
  });
});
