import {
  DOCKER_HUB_SERVER,
  dockerAuth,
  dockerConfigOf,
  type Login,
  serverOf,
} from './docker-config';

const login = (id: number, url: string, username = `user${id}`, password = `pw${id}`): Login => ({
  id,
  url,
  username,
  password,
});

describe('serverOf', () => {
  it.each([
    ['https://harbor.example.com', 'harbor.example.com'],
    ['https://harbor.example.com:8443/team', 'harbor.example.com:8443'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://registry-1.docker.io', DOCKER_HUB_SERVER],
  ])('%s → %s', (url, server) => {
    expect(serverOf(url)).toBe(server);
  });
});

describe('dockerAuth', () => {
  it('is standard base64 with padding of username:password, as the Docker CLI decodes it', () => {
    // Chosen so that its base64 has both "+" and "/", which base64url would have changed.
    const password = '??>~~>';
    const { auth } = dockerAuth('robot$import', password);
    expect(auth).toMatch(/\+/);
    expect(auth).toMatch(/\//);
    expect(auth).toMatch(/=$/);
    expect(Buffer.from(auth, 'base64').toString('utf8')).toBe(`robot$import:${password}`);
  });

  it('keeps non-ASCII credentials as UTF-8', () => {
    const { auth } = dockerAuth('jürgen', 'pässwörd');
    expect(Buffer.from(auth, 'base64').toString('utf8')).toBe('jürgen:pässwörd');
  });
});

describe('dockerConfigOf', () => {
  it('keys each registry by its server when no other shares it', () => {
    expect(
      dockerConfigOf([
        login(1, 'https://registry-1.docker.io'),
        login(2, 'https://harbor.example.com:8443/team'),
      ]),
    ).toEqual({
      auths: {
        [DOCKER_HUB_SERVER]: dockerAuth('user1', 'pw1'),
        'harbor.example.com:8443': dockerAuth('user2', 'pw2'),
      },
    });
  });

  it('keys registries that share a host by their path, the one without a path by the host', () => {
    const config = dockerConfigOf([
      login(1, 'https://harbor.example.com/team-a'),
      login(2, 'https://harbor.example.com'),
      login(3, 'https://harbor.example.com/team-b/sub'),
    ]);
    expect(Object.keys(config.auths)).toEqual([
      'harbor.example.com/team-a',
      'harbor.example.com',
      'harbor.example.com/team-b/sub',
    ]);
    expect(config.auths['harbor.example.com'].username).toBe('user2');
  });

  it('gives a key that still collides to the lower id', () => {
    const config = dockerConfigOf([
      login(4, 'http://harbor.example.com/team'),
      login(9, 'https://harbor.example.com/team'),
      login(11, 'https://registry-1.docker.io'),
      login(12, 'https://registry-1.docker.io'),
    ]);
    expect(config.auths).toEqual({
      'harbor.example.com/team': dockerAuth('user4', 'pw4'),
      [DOCKER_HUB_SERVER]: dockerAuth('user11', 'pw11'),
    });
  });

  it('is an empty auths for no registries', () => {
    expect(dockerConfigOf([])).toEqual({ auths: {} });
  });
});
