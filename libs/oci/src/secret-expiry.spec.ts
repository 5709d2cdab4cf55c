import { UnsecuredJWT } from 'jose';
import { secretExpiry } from './secret-expiry';

const ecrPassword = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify(fields)).toString('base64');

describe('secretExpiry', () => {
  it("reads a JWT's exp", async () => {
    const jwt = new UnsecuredJWT({ sub: 'robot' }).setExpirationTime(1_900_000_000).encode();
    expect(secretExpiry(jwt)).toEqual(new Date(1_900_000_000_000));
  });

  it('reads the expiration inside an ECR password', () => {
    const password = ecrPassword({ payload: 'cGF5bG9hZA==', datakey: 'ZGF0YWtleQ==', version: '2', type: 'DATA_KEY', expiration: 1_800_000_000 });
    expect(secretExpiry(password)).toEqual(new Date(1_800_000_000_000));
  });

  it.each([
    ['a classic token', 'ghp_0123456789abcdefABCDEF0123456789abcd'],
    ['a password', 'p@ss:w0rd/+basic'],
    ['a JWT without exp', new UnsecuredJWT({ sub: 'x' }).encode()],
    ['three parts that are not a JWT', 'abc.def.ghi'],
    ['base64 that is not JSON', Buffer.from('hello world').toString('base64')],
    ['base64 JSON without the ECR fields', ecrPassword({ expiration: 1_800_000_000 })],
    ['an ECR password with a non-numeric expiration', ecrPassword({ payload: 'a', datakey: 'b', expiration: 'soon' })],
  ])('knows no expiry for %s', (_what, secret) => {
    expect(secretExpiry(secret)).toBeNull();
  });
});
