import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('parses a Docker registry bearer challenge', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/ubuntu:pull',
        },
      },
    ]);
  });

  it('parses a basic challenge', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
  });

  it('lowercases the scheme and parameter names but keeps values', () => {
    expect(parseWwwAuthenticate('BEARER Realm="https://A.example/Token", SERVICE=Reg')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://A.example/Token', service: 'Reg' } },
    ]);
  });

  it('parses several challenges in one header (RFC 7235 example)', () => {
    const header = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"';
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
  });

  it('parses several header values', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="https://b/token",service="b"'])).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'https://b/token', service: 'b' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted strings', () => {
    const header = 'Bearer realm="https://auth.example/token?a=1,b=2",scope="repository:a/b:pull,push",error="say \\"hi\\", ok"';
    expect(parseWwwAuthenticate(header)[0].params).toEqual({
      realm: 'https://auth.example/token?a=1,b=2',
      scope: 'repository:a/b:pull,push',
      error: 'say "hi", ok',
    });
  });

  it('accepts whitespace around "=" and between parameters', () => {
    expect(parseWwwAuthenticate('Bearer   realm = "r" ,  service =  s ,, scope="x"')).toEqual([
      { scheme: 'bearer', params: { realm: 'r', service: 's', scope: 'x' } },
    ]);
  });

  it('parses the token68 form', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/def==, Basic realm="x"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/def==' },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('parses a scheme without parameters', () => {
    expect(parseWwwAuthenticate('Basic, Bearer realm="r"')).toEqual([
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
  });

  it('keeps the first of duplicated parameters', () => {
    expect(parseWwwAuthenticate('Bearer realm="first", realm="second"')[0].params).toEqual({ realm: 'first' });
  });

  it('tolerates an unterminated quoted string', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://x/token')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://x/token' } },
    ]);
  });

  it.each([[undefined], [''], ['   '], [',,,'], ['=garbage'], ['"quoted only"']])('returns no challenges for %j', (header) => {
    expect(parseWwwAuthenticate(header)).toEqual([]);
  });

  it('skips junk between challenges', () => {
    const challenges = parseWwwAuthenticate('Bearer realm="r" @@@junk, Basic realm="b"');
    expect(challenges.map((c) => c.scheme)).toEqual(['bearer', 'basic']);
    expect(challenges[0].params.realm).toBe('r');
  });

  it('does not let a "__proto__" parameter touch the prototype', () => {
    const [challenge] = parseWwwAuthenticate('Bearer __proto__="x", realm="r"');
    expect(challenge.params.realm).toBe('r');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
