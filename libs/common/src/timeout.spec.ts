import { TimeoutError, withTimeout } from './timeout';

describe('withTimeout', () => {
  afterEach(() => jest.useRealTimers());

  it('settles like the work when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError naming what did not answer', async () => {
    jest.useFakeTimers();
    const pending = withTimeout(new Promise(() => undefined), 2000, 'Redis');
    jest.advanceTimersByTime(2000);
    await expect(pending).rejects.toEqual(new TimeoutError('Redis did not answer within 2000 ms', 2000));
    await expect(pending).rejects.toBeInstanceOf(TimeoutError);
  });
});
