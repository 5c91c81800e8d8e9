import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AppConfig, loadAppConfig } from './app-config';
import { ConfigurationError, type Environment } from './environment';

const JWT_SECRET = 'a-jwt-secret-of-at-least-32-characters!';
const encryptionKey = (bytes = 32): string => randomBytes(bytes).toString('base64');

const publicKeyPem = (
  type: 'rsa' | 'ec',
  options: { modulusLength?: number; namedCurve?: string },
): string =>
  generateKeyPairSync(type as 'rsa', options as { modulusLength: number })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

const RSA_PUBLIC_KEY = publicKeyPem('rsa', { modulusLength: 2048 });
const P256_PUBLIC_KEY = publicKeyPem('ec', { namedCurve: 'P-256' });
const P384_PUBLIC_KEY = publicKeyPem('ec', { namedCurve: 'P-384' });

let dataDir: string;

beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'app-config-')), 'data');
});

afterEach(() => {
  rmSync(resolve(dataDir, '..'), { recursive: true, force: true });
});

/** Loads the configuration from exactly these variables, with the test's data directory. */
const load = (env: Environment): AppConfig => loadAppConfig({ DATA_DIR: dataDir, ...env });

/** A complete environment: the tests then take away or change one thing. */
const complete = (env: Environment = {}): Environment => ({
  JWT_SECRET,
  ENCRYPTION_KEY: encryptionKey(),
  ...env,
});

function configurationError(env: Environment): ConfigurationError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected loadAppConfig to throw a ConfigurationError');
}

const filesInDataDir = (): string[] => (existsSync(dataDir) ? readdirSync(dataDir) : []);
const fileMode = (name: string): number => statSync(join(dataDir, name)).mode & 0o777;

describe('loadAppConfig', () => {
  describe('NODE_ENV=production', () => {
    const production = (env: Environment): Environment => ({ NODE_ENV: 'production', ...env });

    it('names JWT_SECRET when no JWT verification key is set', () => {
      const { message } = configurationError(production({ ENCRYPTION_KEY: encryptionKey() }));
      expect(message).toContain('JWT_SECRET');
      expect(message).not.toContain('ENCRYPTION_KEY');
    });

    it('names ENCRYPTION_KEY when it is not set', () => {
      const { message } = configurationError(production({ JWT_SECRET }));
      expect(message).toContain('ENCRYPTION_KEY');
      expect(message).not.toContain('JWT_SECRET');
    });

    it('names both when both are missing', () => {
      const { message } = configurationError(production({}));
      expect(message).toContain('JWT_SECRET');
      expect(message).toContain('ENCRYPTION_KEY');
    });

    it('counts an empty value as missing', () => {
      const { message } = configurationError(production({ JWT_SECRET: '', ENCRYPTION_KEY: '' }));
      expect(message).toContain('JWT_SECRET');
      expect(message).toContain('ENCRYPTION_KEY');
    });

    it.each([
      ['JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: RSA_PUBLIC_KEY }],
      ['JWT_JWKS_URI', { JWT_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json' }],
    ])('accepts %s in place of JWT_SECRET', (_name, jwtKey: Environment) => {
      const config = load(production({ ENCRYPTION_KEY: encryptionKey(), ...jwtKey }));
      expect(config.production).toBe(true);
      expect(config.jwt.secret).toBeUndefined();
    });

    it.each([
      ['nothing is set', {}],
      ['the encryption key is missing', { JWT_SECRET }],
      ['the JWT key is missing', { ENCRYPTION_KEY: encryptionKey() }],
    ])('generates no file in DATA_DIR when %s', (_name, env: Environment) => {
      expect(() => load(production(env))).toThrow(ConfigurationError);
      expect(filesInDataDir()).toEqual([]);
    });

    it('generates no file in DATA_DIR when it starts', () => {
      const config = load(production(complete()));
      expect(config.developmentSecretFiles).toEqual([]);
      expect(filesInDataDir()).toEqual([]);
    });
  });

  describe('ENCRYPTION_KEY', () => {
    it.each([
      ['31 bytes', encryptionKey(31)],
      ['33 bytes', encryptionKey(33)],
      ['not base64', 'not base64 at all, but long enough to be a key!'],
    ])('rejects a key of %s, naming the variable but not the value', (_name, key) => {
      const { message } = configurationError(complete({ ENCRYPTION_KEY: key }));
      expect(message).toContain('ENCRYPTION_KEY');
      expect(message).not.toContain(key);
    });

    it('rejects a malformed previous key, naming ENCRYPTION_PREVIOUS_KEYS but not the value', () => {
      const previous = encryptionKey(16);
      const { message } = configurationError(complete({ ENCRYPTION_PREVIOUS_KEYS: previous }));
      expect(message).toContain('ENCRYPTION_PREVIOUS_KEYS');
      expect(message).not.toContain(previous);
    });

    it('keeps previous keys for decryption after the current one', () => {
      const config = load(complete({ ENCRYPTION_PREVIOUS_KEYS: ` ${encryptionKey()} , ` }));
      expect(config.keyRing.keyIds()).toHaveLength(2);
      expect(config.keyRing.keyIds()[0]).toBe(config.keyRing.currentKeyId);
    });
  });

  describe('JWT_SECRET', () => {
    it('rejects a secret shorter than 32 characters, without echoing it', () => {
      const secret = 'x'.repeat(31);
      const { message } = configurationError(complete({ JWT_SECRET: secret }));
      expect(message).toContain('JWT_SECRET');
      expect(message).not.toContain(secret);
    });

    it('accepts 32 characters', () => {
      expect(load(complete({ JWT_SECRET: 'x'.repeat(32) })).jwt.secret).toBeDefined();
    });
  });

  describe('development secrets', () => {
    it('creates jwt.secret and encryption.key (mode 0600) in DATA_DIR when nothing is set', () => {
      const config = load({});
      expect(config.production).toBe(false);
      expect(filesInDataDir().sort()).toEqual(['encryption.key', 'jwt.secret']);
      expect(fileMode('jwt.secret')).toBe(0o600);
      expect(fileMode('encryption.key')).toBe(0o600);
      expect([...config.developmentSecretFiles].sort()).toEqual([
        join(dataDir, 'encryption.key'),
        join(dataDir, 'jwt.secret'),
      ]);
      expect(config.jwt.algorithms).toEqual(['HS256']);
    });

    it('reuses the generated secrets on the next start', () => {
      const first = load({});
      const written = readFileSync(join(dataDir, 'jwt.secret'), 'utf8');
      const second = load({});
      expect(second.keyRing.currentKeyId).toBe(first.keyRing.currentKeyId);
      expect(second.jwt.secret?.export().equals(first.jwt.secret!.export())).toBe(true);
      expect(readFileSync(join(dataDir, 'jwt.secret'), 'utf8')).toBe(written);
    });

    it('generates only what is missing', () => {
      const config = load({ ENCRYPTION_KEY: encryptionKey(), JWT_PUBLIC_KEY: RSA_PUBLIC_KEY });
      expect(config.developmentSecretFiles).toEqual([]);
      expect(filesInDataDir()).toEqual([]);
      load({ JWT_SECRET });
      expect(filesInDataDir()).toEqual(['encryption.key']);
    });
  });

  describe('PORT and HOST', () => {
    it('defaults to 3000 on all interfaces', () => {
      expect(load(complete())).toMatchObject({ port: 3000, host: '0.0.0.0' });
    });

    it('reads PORT', () => {
      expect(load(complete({ PORT: '8080' })).port).toBe(8080);
    });

    it.each(['abc', '65536', '-1', '80.5'])('rejects PORT=%s', (port) => {
      expect(configurationError(complete({ PORT: port })).message).toContain('PORT');
    });
  });

  describe('REQUEST_RECEIVE_TIMEOUT_MS and MAX_CONNECTIONS', () => {
    it('defaults to 10 s to receive a request and 5,000 connections', () => {
      expect(load(complete()).limits).toEqual({ receiveTimeoutMs: 10_000, maxConnections: 5_000 });
    });

    it('reads both', () => {
      const env = complete({ REQUEST_RECEIVE_TIMEOUT_MS: '30000', MAX_CONNECTIONS: '200' });
      expect(load(env).limits).toEqual({ receiveTimeoutMs: 30_000, maxConnections: 200 });
    });

    it.each([
      ['REQUEST_RECEIVE_TIMEOUT_MS', '999'],
      ['REQUEST_RECEIVE_TIMEOUT_MS', '300001'],
      ['MAX_CONNECTIONS', '0'],
      ['MAX_CONNECTIONS', 'many'],
    ])('rejects %s=%s', (name, value) => {
      expect(configurationError(complete({ [name]: value })).message).toContain(name);
    });
  });

  describe('DATABASE_URL', () => {
    it('defaults to a SQLite file under DATA_DIR', () => {
      const { database } = load(complete());
      expect(database).toEqual({ type: 'sqlite', path: join(dataDir, 'image-registry.sqlite') });
    });

    it('reads sqlite:<path>, resolving a relative path', () => {
      expect(load(complete({ DATABASE_URL: 'sqlite:/var/lib/irs/db.sqlite' })).database).toEqual({
        type: 'sqlite',
        path: '/var/lib/irs/db.sqlite',
      });
      expect(load(complete({ DATABASE_URL: 'sqlite:rel/db.sqlite' })).database).toEqual({
        type: 'sqlite',
        path: resolve('rel/db.sqlite'),
      });
    });

    it('reads mysql://, with a pool size of 10 unless DATABASE_POOL_SIZE says otherwise', () => {
      const url = 'mysql://user:pass@db.example.com:3306/registries';
      expect(load(complete({ DATABASE_URL: url })).database).toEqual({
        type: 'mysql',
        url,
        poolSize: 10,
      });
      const pooled = load(complete({ DATABASE_URL: url, DATABASE_POOL_SIZE: '4' }));
      expect(pooled.database).toMatchObject({ type: 'mysql', poolSize: 4 });
    });

    it.each([
      'postgres://user:s3cr3t-pw@db.example.com/registries',
      'sqlite:',
      'mysql://',
      '/just/a/path.sqlite',
    ])('rejects %s, naming DATABASE_URL but never the password', (url) => {
      const { message } = configurationError(complete({ DATABASE_URL: url }));
      expect(message).toContain('DATABASE_URL');
      expect(message).not.toContain('s3cr3t-pw');
    });
  });

  describe('JWT_PUBLIC_KEY', () => {
    it('accepts a PEM with literal \\n escapes (as a one-line environment variable)', () => {
      const oneLine = RSA_PUBLIC_KEY.trim().replace(/\n/g, '\\n');
      expect(oneLine).not.toContain('\n');
      const { jwt } = load(complete({ JWT_SECRET: undefined, JWT_PUBLIC_KEY: oneLine }));
      expect(jwt.publicKey?.asymmetricKeyType).toBe('rsa');
      expect(jwt.algorithms).toEqual(['RS256']);
    });

    it.each([
      ['not a PEM', 'not a key'],
      ['a truncated PEM', RSA_PUBLIC_KEY.slice(0, 120)],
      ['a P-384 key', P384_PUBLIC_KEY],
      [
        'a private key',
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      ],
    ])('rejects %s', (_name, pem) => {
      const { message } = configurationError(complete({ JWT_PUBLIC_KEY: pem }));
      expect(message).toContain('JWT_PUBLIC_KEY');
    });
  });

  describe('accepted JWT algorithms', () => {
    const JWKS_URI = 'https://idp.example.com/.well-known/jwks.json';

    it.each([
      ['JWT_SECRET', { JWT_SECRET }, ['HS256']],
      ['an RSA JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: RSA_PUBLIC_KEY }, ['RS256']],
      ['a P-256 JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: P256_PUBLIC_KEY }, ['ES256']],
      ['JWT_JWKS_URI', { JWT_JWKS_URI: JWKS_URI }, ['RS256', 'ES256']],
      [
        'JWT_SECRET and an RSA key',
        { JWT_SECRET, JWT_PUBLIC_KEY: RSA_PUBLIC_KEY },
        ['HS256', 'RS256'],
      ],
      [
        'an RSA key and JWKS',
        { JWT_PUBLIC_KEY: RSA_PUBLIC_KEY, JWT_JWKS_URI: JWKS_URI },
        ['RS256', 'ES256'],
      ],
    ])('%s', (_name, jwtKeys: Environment, algorithms) => {
      const { jwt } = load({ ENCRYPTION_KEY: encryptionKey(), ...jwtKeys });
      expect(jwt.algorithms).toEqual(algorithms);
      expect(jwt.secret === undefined).toBe(jwtKeys.JWT_SECRET === undefined);
    });

    it('rejects a JWKS URI that is not http(s)', () => {
      const { message } = configurationError(
        complete({ JWT_JWKS_URI: 'ftp://idp.example.com/jwks' }),
      );
      expect(message).toContain('JWT_JWKS_URI');
    });

    it('passes issuer and audience through, and leaves them unset by default', () => {
      expect(load(complete()).jwt).toMatchObject({ issuer: undefined, audience: undefined });
      const { jwt } = load(
        complete({ JWT_ISSUER: 'https://idp.example.com', JWT_AUDIENCE: 'irs' }),
      );
      expect(jwt).toMatchObject({ issuer: 'https://idp.example.com', audience: 'irs' });
    });
  });

  describe('CORS_ORIGINS', () => {
    it('is empty by default and a trimmed comma-separated list otherwise', () => {
      expect(load(complete()).corsOrigins).toEqual([]);
      const origins = ' https://a.example.com, https://b.example.com ,, ';
      expect(load(complete({ CORS_ORIGINS: origins })).corsOrigins).toEqual([
        'https://a.example.com',
        'https://b.example.com',
      ]);
    });

    it('takes each origin as a browser sends it', () => {
      const origins = 'HTTPS://Console.Example.com:443/, http://127.0.0.1:8080';
      expect(load(complete({ CORS_ORIGINS: origins })).corsOrigins).toEqual([
        'https://console.example.com',
        'http://127.0.0.1:8080',
      ]);
    });

    it.each([
      '*',
      'console.example.com',
      'https://console.example.com/app',
      'https://console.example.com?x=1',
      'https://user@console.example.com',
      'ftp://console.example.com',
    ])('refuses %s, naming CORS_ORIGINS', (origin) => {
      const error = configurationError(
        complete({ CORS_ORIGINS: `https://ok.example.com,${origin}` }),
      );
      expect(error.message).toMatch(/^CORS_ORIGINS: ".*" is not an origin/);
    });
  });
});
