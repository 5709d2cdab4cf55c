import { ContentCache } from './content-cache';

const content = (size: number) => ({ body: Buffer.alloc(size), contentType: 'application/json' });

describe('ContentCache', () => {
  it('returns what was stored', () => {
    const cache = new ContentCache(100);
    const stored = content(10);
    cache.set('a', stored);
    expect(cache.get('a')).toBe(stored);
    expect(cache.get('b')).toBeUndefined();
  });

  it('evicts the least recently used entries beyond the byte budget', () => {
    const cache = new ContentCache(100);
    cache.set('a', content(40));
    cache.set('b', content(40));
    cache.get('a'); // a is now more recent than b
    cache.set('c', content(40));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('does not store an entry larger than the whole budget, nor when disabled', () => {
    const cache = new ContentCache(10);
    cache.set('big', content(11));
    expect(cache.get('big')).toBeUndefined();
    const disabled = new ContentCache(0);
    disabled.set('a', content(1));
    expect(disabled.get('a')).toBeUndefined();
  });
});
