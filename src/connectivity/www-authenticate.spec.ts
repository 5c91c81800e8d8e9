import { parseChallenge } from './www-authenticate';

describe('parseChallenge', () => {
  it('reads a Bearer challenge as registries send it', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/nginx:pull',
      },
    });
  });

  it('reads a Basic challenge, any case, with spaces and unquoted values', () => {
    expect(parseChallenge('basic Realm = "Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    expect(parseChallenge('Bearer realm=https://auth.example.com/token, service=harbor')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'harbor' },
    });
  });

  it('unescapes quoted values', () => {
    expect(parseChallenge('Bearer realm="a\\"b"')?.params.realm).toBe('a"b');
  });

  it('returns undefined for a missing or empty header', () => {
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge('')).toBeUndefined();
    expect(parseChallenge('   ')).toBeUndefined();
  });

  it('keeps an unknown scheme for the caller to judge', () => {
    expect(parseChallenge('Negotiate')).toEqual({ scheme: 'negotiate', params: {} });
  });
});
