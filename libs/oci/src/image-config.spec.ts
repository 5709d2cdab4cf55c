import { cudaVersionOf, parseImageConfig } from './image-config';

function parse(document: unknown) {
  return parseImageConfig(Buffer.from(JSON.stringify(document)));
}

describe('parseImageConfig', () => {
  it('reads platform, env, labels and exposed ports', () => {
    const config = parse({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: ['PATH=/usr/bin', 'CUDA_VERSION=12.4.1', 42],
        Labels: { a: 'b', n: 1 },
        ExposedPorts: { '8888/tcp': {}, '53/udp': {} },
      },
    });
    expect(config).toEqual({
      os: 'linux',
      architecture: 'amd64',
      variant: undefined,
      env: ['PATH=/usr/bin', 'CUDA_VERSION=12.4.1'],
      labels: { a: 'b' },
      exposedPorts: ['8888/tcp', '53/udp'],
      entrypoint: null,
      cmd: null,
      workingDir: null,
      user: null,
    });
  });

  it('reads the start command, working directory and user', () => {
    const config = parse({ config: { Entrypoint: ['/bin/sh', '-c', 7], Cmd: ['serve'], WorkingDir: '/srv', User: 'app' } });
    expect(config).toMatchObject({ entrypoint: ['/bin/sh', '-c'], cmd: ['serve'], workingDir: '/srv', user: 'app' });
    expect(parse({ config: { Entrypoint: null, Cmd: 'serve', WorkingDir: '', User: 5 } })).toMatchObject({
      entrypoint: null,
      cmd: null,
      workingDir: null,
      user: null,
    });
  });

  it('caps what it keeps of a huge start command', () => {
    const config = parse({ config: { Cmd: Array.from({ length: 1000 }, () => 'x'.repeat(10_000)) } });
    expect(config.cmd).toHaveLength(256);
    expect(config.cmd?.[0]).toHaveLength(4096);
  });

  it('tolerates a config without the container section or with nulls', () => {
    expect(parse({ os: 'linux', config: { Env: null, Labels: null, ExposedPorts: null } })).toMatchObject({
      env: [],
      labels: {},
      exposedPorts: [],
    });
    expect(parse({})).toMatchObject({ os: undefined, architecture: undefined, env: [] });
  });

  it('refuses a config that is not a JSON object', () => {
    expect(() => parseImageConfig(Buffer.from('nope'))).toThrow(expect.objectContaining({ code: 'unsupported_manifest' }));
    expect(() => parseImageConfig(Buffer.from('[1]'))).toThrow(/not a JSON object/);
  });
});

describe('cudaVersionOf', () => {
  const withEnv = (...env: string[]) => parse({ config: { Env: env } });

  it.each([
    [['CUDA_VERSION=12.4.1'], '12.4.1'],
    [['CUDA_VERSION=11.8.0', 'CUDA_VERSION=12.1.0'], '12.1.0'],
    [['NV_CUDA_LIB_VERSION=12.4.1-1', 'PATH=/x'], null],
    [['CUDA_VERSION='], null],
    [['CUDA_VERSION=$(rm -rf /)'], null],
    [[], null],
  ])('%j → %s', (env, expected) => {
    expect(cudaVersionOf(withEnv(...env))).toBe(expected);
  });
});
