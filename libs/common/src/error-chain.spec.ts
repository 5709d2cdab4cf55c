import { someErrorInChain } from './error-chain';

describe('someErrorInChain', () => {
  const hasCode = (code: string) => (link: { code?: unknown }) => link.code === code;

  it('finds a code in the error itself, its cause chain, or behind Prisma meta.driverAdapterError', () => {
    const pg = Object.assign(new Error('duplicate key'), { code: '23505' });
    const adapter = Object.assign(new Error('adapter'), { cause: pg });
    const prisma = Object.assign(new Error('raw query failed'), { code: 'P2010', meta: { driverAdapterError: adapter } });
    expect(someErrorInChain(pg, hasCode('23505'))).toBe(true);
    expect(someErrorInChain(new Error('outer', { cause: pg }), hasCode('23505'))).toBe(true);
    expect(someErrorInChain(prisma, hasCode('23505'))).toBe(true);
    expect(someErrorInChain(prisma, hasCode('57P01'))).toBe(false);
  });

  it('follows both links when an error has both, and stops on cycles and non-objects', () => {
    const both = Object.assign(new Error('both'), { meta: { driverAdapterError: new Error('a') }, cause: Object.assign(new Error('b'), { code: 'X' }) });
    expect(someErrorInChain(both, hasCode('X'))).toBe(true);
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(someErrorInChain(cyclic, hasCode('X'))).toBe(false);
    expect(someErrorInChain('ECONNREFUSED', hasCode('ECONNREFUSED'))).toBe(false);
    expect(someErrorInChain(undefined, () => true)).toBe(false);
  });
});
