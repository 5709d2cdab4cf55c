import { STALL_THRESHOLD_MS, WaitBudget, waitUntil } from './wait-until';

describe('WaitBudget (the deadline of waitUntil)', () => {
  const start = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(start));
  afterEach(() => jest.restoreAllMocks());

  it('charges probes in full and pauses as long as they took', () => {
    const budget = new WaitBudget(1_000);
    expect(budget.spent(start + 400)).toBe(false); // a 400 ms probe
    budget.charge(20, start + 420);
    expect(budget.spent(start + 1_000)).toBe(true); // another 580 ms probe: 1000 ms in all
    expect(budget.stalledMs).toBe(0);
  });

  it('does not charge the part of a pause that overran by more than the stall threshold', () => {
    const budget = new WaitBudget(5_000);
    expect(budget.spent(start + 100)).toBe(false);
    const resumed = start + 100 + 30_000; // the machine stood still for 30 s during a 20 ms pause
    budget.charge(20, resumed);
    expect(budget.stalledMs).toBe(30_000 - 20 - STALL_THRESHOLD_MS);
    // Charged so far: 100 ms of probe and 20 ms + the threshold of pause; the rest is left.
    const left = 5_000 - (100 + 20 + STALL_THRESHOLD_MS);
    expect(budget.spent(resumed + left - 1)).toBe(false);
    expect(budget.spent(resumed + left)).toBe(true);
  });

  it('a probe that itself takes long is charged in full, stall or not', () => {
    const budget = new WaitBudget(10_000);
    expect(budget.spent(start + 12_000)).toBe(true);
    expect(budget.stalledMs).toBe(0);
  });
});

describe('waitUntil', () => {
  it('returns the first value the probe gives', async () => {
    let calls = 0;
    await expect(waitUntil('the third call', async () => (++calls === 3 ? 'done' : undefined), { intervalMs: 1 })).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('says on timeout what it last saw and the last error', async () => {
    let status = 0;
    await expect(
      waitUntil(
        'a 200',
        async () => {
          status += 1;
          if (status > 1) throw new Error('connection refused');
          return undefined;
        },
        { timeoutMs: 0, intervalMs: 1, lastSeen: () => `last answer: ${status}` },
      ),
    ).rejects.toThrow(/^Timed out after 0 ms waiting for a 200; last answer: 1$/);
  });
});
