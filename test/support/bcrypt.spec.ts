import { bcryptHash, bcryptVerify, htpasswdLine } from './bcrypt';

describe('bcrypt (htpasswd entries for the test registry)', () => {
  // From OpenBSD's regress/lib/libc/crypt and the jBCrypt suite.
  it.each([
    ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
    ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
    ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
    ['0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored',
     '$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui'],
  ])('reproduces the reference hash of %j', (password, hash) => {
    expect(bcryptVerify(password, hash)).toBe(true);
  });

  it('hashes with a fresh salt and verifies', () => {
    const hash = bcryptHash('p@ss:w0rd/+', 4);
    expect(hash).toMatch(/^\$2y\$04\$[./A-Za-z0-9]{53}$/);
    expect(bcryptVerify('p@ss:w0rd/+', hash)).toBe(true);
    expect(bcryptVerify('p@ss:w0rd/', hash)).toBe(false);
    expect(bcryptHash('p@ss:w0rd/+', 4)).not.toBe(hash);
  });

  it('writes user:hash lines and refuses a ":" in the user name', () => {
    expect(htpasswdLine('basic-user', 'x')).toMatch(/^basic-user:\$2y\$04\$/);
    expect(() => htpasswdLine('a:b', 'x')).toThrow(/cannot contain ':'/);
  });
});
