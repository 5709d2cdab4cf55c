import { shorten } from './text';

describe('shorten', () => {
  it('keeps text up to the limit and cuts longer text to the limit, ending in an ellipsis', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefg', 6)).toBe('abcde…');
    expect(shorten('abcdefg', 6)).toHaveLength(6);
  });
});
