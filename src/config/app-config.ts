import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import type { Algorithm } from 'jsonwebtoken';
import { KeyRing } from '../crypto/key-ring';
import { developmentSecret } from './development-secrets';
import {
  ConfigurationError,
  Environment,
  EnvironmentVariables,
  type LogLevelName,
  validateEnvironment,
} from './environment';

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'mysql'; url: string; poolSize: number };

export interface JwtConfig {
  secret?: KeyObject;
  publicKey?: KeyObject;
  jwksUri?: string;
  issuer?: string;
  audience?: string;
  algorithms: Algorithm[];
}

/** Calls the service makes to registries: connection tests and manifest checks. */
export interface OutboundConfig {
  connectTimeoutMs: number;
  /** The whole call, redirects and token requests included. */
  timeoutMs: number;
}

/** What SIGTERM and SIGINT do (CONTRACT §11). */
export interface ShutdownConfig {
  /** Serving on, readiness 503, so that a load balancer stops sending first. */
  delayMs: number;
  /** The most the requests already received get to finish. */
  timeoutMs: number;
}

/** What one instance lets clients hold of it. */
export interface ServerLimitsConfig {
  /** The most a client gets to send a whole request, headers and body. */
  receiveTimeoutMs: number;
  /** Open connections at once, idle keep-alive ones included. */
  maxConnections: number;
}

export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  database: DatabaseConfig;
  jwt: JwtConfig;
  keyRing: KeyRing;
  corsOrigins: string[];
  limits: ServerLimitsConfig;
  outbound: OutboundConfig;
  /** Days audit events are kept; 0 keeps them forever. */
  auditRetentionDays: number;
  metricsEnabled: boolean;
  shutdown: ShutdownConfig;
  logLevel: LogLevelName;
  /** Files in the data directory that development mode used in place of missing secrets. */
  developmentSecretFiles: string[];
  /** The variables those files stand in for. */
  developmentSecretVariables: string[];
}

export const APP_CONFIG = Symbol('APP_CONFIG');

const ENCRYPTION_KEY_FILE = 'encryption.key';
const JWT_SECRET_FILE = 'jwt.secret';

export function loadDatabaseConfig(env: Environment): DatabaseConfig {
  return databaseConfig(validateEnvironment(env));
}

function databaseConfig(variables: EnvironmentVariables): DatabaseConfig {
  const url = variables.DATABASE_URL;
  if (url === undefined) {
    return { type: 'sqlite', path: resolve(dataDirectory(variables), 'image-registry.sqlite') };
  }
  if (url.startsWith('sqlite:'))
    return { type: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  return { type: 'mysql', url, poolSize: variables.DATABASE_POOL_SIZE ?? 10 };
}

export function loadAppConfig(env: Environment): AppConfig {
  const variables = validateEnvironment(env);
  const production = variables.NODE_ENV === 'production';
  const hasJwtKey = [variables.JWT_SECRET, variables.JWT_PUBLIC_KEY, variables.JWT_JWKS_URI].some(
    (value) => value !== undefined,
  );
  if (production) {
    const missing = [
      hasJwtKey ? undefined : 'JWT_SECRET (or JWT_PUBLIC_KEY or JWT_JWKS_URI)',
      variables.ENCRYPTION_KEY === undefined ? 'ENCRYPTION_KEY' : undefined,
    ].filter((name) => name !== undefined);
    if (missing.length > 0) {
      throw new ConfigurationError(`NODE_ENV=production requires ${missing.join(' and ')}`);
    }
  }

  const dataDir = dataDirectory(variables);
  const developmentSecretFiles: string[] = [];
  const developmentSecretVariables: string[] = [];
  const fromDataDir = (variable: string, file: string, bytes: number): string => {
    developmentSecretFiles.push(resolve(dataDir, file));
    developmentSecretVariables.push(variable);
    return developmentSecret(dataDir, file, bytes);
  };

  const jwtSecret = hasJwtKey
    ? variables.JWT_SECRET
    : fromDataDir('JWT_SECRET', JWT_SECRET_FILE, 48);
  const encryptionKey =
    variables.ENCRYPTION_KEY ?? fromDataDir('ENCRYPTION_KEY', ENCRYPTION_KEY_FILE, 32);

  return {
    production,
    port: variables.PORT ?? 3000,
    host: variables.HOST ?? '0.0.0.0',
    database: databaseConfig(variables),
    jwt: jwtConfig(jwtSecret, variables.JWT_PUBLIC_KEY, variables.JWT_JWKS_URI, variables),
    keyRing: keyRing(encryptionKey, variables.ENCRYPTION_PREVIOUS_KEYS),
    corsOrigins: splitList(variables.CORS_ORIGINS).map(corsOrigin),
    limits: {
      receiveTimeoutMs: variables.REQUEST_RECEIVE_TIMEOUT_MS ?? 10_000,
      maxConnections: variables.MAX_CONNECTIONS ?? 5_000,
    },
    outbound: {
      connectTimeoutMs: variables.OUTBOUND_CONNECT_TIMEOUT_MS ?? 3_000,
      timeoutMs: variables.OUTBOUND_TIMEOUT_MS ?? 10_000,
    },
    auditRetentionDays: variables.AUDIT_RETENTION_DAYS ?? 365,
    metricsEnabled: variables.METRICS_ENABLED !== 'false',
    shutdown: {
      delayMs: variables.SHUTDOWN_DELAY_MS ?? 0,
      timeoutMs: variables.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    },
    logLevel: variables.LOG_LEVEL ?? 'log',
    developmentSecretFiles,
    developmentSecretVariables,
  };
}

function dataDirectory(variables: EnvironmentVariables): string {
  return resolve(variables.DATA_DIR || 'data');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * An origin as browsers send it in the Origin header (lower-case host, no default port), so that
 * `https://Console.example.com:443/` still matches; anything else could never match and is refused.
 */
function corsOrigin(value: string): string {
  const refuse = (): never => {
    throw new ConfigurationError(
      `CORS_ORIGINS: "${value}" is not an origin; give scheme://host[:port] with nothing after it, e.g. https://console.example.com`,
    );
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse();
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
  if (!['http:', 'https:'].includes(url.protocol) || !bare || url.password !== '') refuse();
  return url.origin;
}

function keyRing(current: string, previous: string | undefined): KeyRing {
  try {
    return KeyRing.fromBase64(current, splitList(previous));
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
}

function jwtConfig(
  secret: string | undefined,
  publicKeyPem: string | undefined,
  jwksUri: string | undefined,
  claims: { JWT_ISSUER?: string; JWT_AUDIENCE?: string },
): JwtConfig {
  const algorithms: Algorithm[] = [];
  if (secret !== undefined) algorithms.push('HS256');
  const publicKey = publicKeyPem === undefined ? undefined : parsePublicKey(publicKeyPem);
  if (publicKey !== undefined)
    algorithms.push(publicKey.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256');
  if (jwksUri !== undefined) algorithms.push('RS256', 'ES256');
  return {
    secret: secret === undefined ? undefined : createSecretKey(Buffer.from(secret, 'utf8')),
    publicKey,
    jwksUri,
    issuer: claims.JWT_ISSUER,
    audience: claims.JWT_AUDIENCE,
    algorithms: [...new Set(algorithms)],
  };
}

function parsePublicKey(pem: string): KeyObject {
  // createPublicKey would quietly derive the public half of a private key: refuse to hold one.
  if (pem.includes('PRIVATE KEY')) {
    throw new ConfigurationError(
      'JWT_PUBLIC_KEY holds a private key; configure the public key only',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem.replace(/\\n/g, '\n'));
  } catch {
    throw new ConfigurationError('JWT_PUBLIC_KEY must be a PEM-encoded RSA or P-256 public key');
  }
  const isP256 =
    key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (key.asymmetricKeyType !== 'rsa' && !isP256) {
    throw new ConfigurationError(
      'JWT_PUBLIC_KEY must be an RSA (RS256) or P-256 (ES256) public key',
    );
  }
  return key;
}
