import { shorten } from './text';

describe('shorten', () => {
  it('keeps text up to the limit and cuts longer text after `keep` characters, adding an ellipsis', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefg', 6)).toBe('abcdef…');
    expect(shorten('', 0)).toBe('');
  });
});
