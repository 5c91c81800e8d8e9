import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningCertificate, createTlsCertificates } from './certificates';
import { findFreePort } from './free-port';
import { createHtpasswdFile } from './htpasswd';
import { type RegistryConfigOptions, writeRegistryConfig } from './registry-config';
import { RegistryProcess } from './registry-process';
import { startTokenServer, type TokenServer } from './token-server';
import { assertRegistryTools } from './tools';

/** 'none': open HTTP; 'basic': htpasswd; 'token': bearer tokens from our token server; 'tls': open HTTPS. */
export type RegistryMode = 'none' | 'basic' | 'token' | 'tls';

export interface RegistryOptions {
  /** For 'basic' and 'token'; defaults to 'registry-user'. */
  username?: string;
  /** For 'basic' and 'token'; defaults to a random one. */
  password?: string;
  /** For 'token': whether requests without credentials get pull tokens (default true). */
  allowAnonymousPull?: boolean;
  /** For 'basic': serve HTTPS with a certificate of a throwaway CA (default plain HTTP). */
  tls?: boolean;
}

interface RegistryBase {
  /** `http://127.0.0.1:PORT`, or `https://…` for 'tls'; without a trailing slash. */
  url: string;
  port: number;
  /** The registry's stdout and stderr so far (log level warn). */
  logs(): string;
  /** Kills the registry (and its token server) and removes its files. Idempotent. */
  stop(): Promise<void>;
}

export interface OpenRegistry extends RegistryBase {
  mode: 'none';
}

export interface BasicRegistry extends RegistryBase {
  mode: 'basic';
  realm: string;
  username: string;
  password: string;
  /** With the `tls` option: the PEM certificate of the CA that signed the registry's certificate. */
  caPem?: string;
}

export interface TokenRegistry extends RegistryBase {
  mode: 'token';
  username: string;
  password: string;
  /** `auth.token.service`: the `service` of the challenge and the tokens' `aud`. */
  service: string;
  issuer: string;
  tokenServer: TokenServer;
}

export interface TlsRegistry extends RegistryBase {
  mode: 'tls';
  /** The PEM certificate of the CA that signed the registry's certificate. */
  caPem: string;
}

export type TestRegistry = OpenRegistry | BasicRegistry | TokenRegistry | TlsRegistry;

export const BASIC_REALM = 'test-registry-realm';
export const TOKEN_SERVICE = 'test-registry';
export const TOKEN_ISSUER = 'test-token-issuer';

/** What a mode adds to the configuration and to the returned handle. */
interface ModeSetup {
  config: Pick<RegistryConfigOptions, 'htpasswd' | 'token' | 'tls'>;
  details:
    | Omit<OpenRegistry, keyof RegistryBase>
    | Omit<BasicRegistry, keyof RegistryBase>
    | Omit<TokenRegistry, keyof RegistryBase>
    | Omit<TlsRegistry, keyof RegistryBase>;
  ca?: string;
  close?: () => Promise<void>;
}

async function setUpMode(
  mode: RegistryMode,
  directory: string,
  options: RegistryOptions,
): Promise<ModeSetup> {
  const username = options.username ?? 'registry-user';
  const password = options.password ?? randomBytes(12).toString('base64url');
  switch (mode) {
    case 'none':
      return { config: {}, details: { mode } };
    case 'basic': {
      const path = join(directory, 'htpasswd');
      await createHtpasswdFile(path, username, password);
      const htpasswd = { realm: BASIC_REALM, path };
      if (options.tls !== true) {
        return { config: { htpasswd }, details: { mode, realm: BASIC_REALM, username, password } };
      }
      const { caPem, certificatePath, keyPath } = await createTlsCertificates(directory);
      return {
        config: { htpasswd, tls: { certificate: certificatePath, key: keyPath } },
        details: { mode, realm: BASIC_REALM, username, password, caPem },
        ca: caPem,
      };
    }
    case 'token': {
      const signing = await createSigningCertificate(directory);
      const tokenServer = await startTokenServer({
        signing,
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        username,
        password,
        allowAnonymousPull: options.allowAnonymousPull,
      });
      return {
        config: {
          token: {
            realm: tokenServer.url,
            service: TOKEN_SERVICE,
            issuer: TOKEN_ISSUER,
            rootCertBundle: signing.certificatePath,
          },
        },
        details: {
          mode,
          username,
          password,
          service: TOKEN_SERVICE,
          issuer: TOKEN_ISSUER,
          tokenServer,
        },
        close: () => tokenServer.stop(),
      };
    }
    case 'tls': {
      const { caPem, certificatePath, keyPath } = await createTlsCertificates(directory);
      return {
        config: { tls: { certificate: certificatePath, key: keyPath } },
        details: { mode, caPem },
        ca: caPem,
      };
    }
  }
}

/** Ports tried before giving up, when the one chosen is taken before the registry binds it. */
const PORT_ATTEMPTS = 5;

/**
 * Starts a real registry (distribution 2.8, `docker-registry serve`) on a free port of 127.0.0.1,
 * with its own configuration, storage and certificates in a fresh temporary directory, and waits
 * until `GET /v2/` answers. Never uses the system instance on :5000.
 */
export async function startRegistry(mode: 'none', options?: RegistryOptions): Promise<OpenRegistry>;
export async function startRegistry(
  mode: 'basic',
  options?: RegistryOptions,
): Promise<BasicRegistry>;
export async function startRegistry(
  mode: 'token',
  options?: RegistryOptions,
): Promise<TokenRegistry>;
export async function startRegistry(mode: 'tls', options?: RegistryOptions): Promise<TlsRegistry>;
export async function startRegistry(
  mode: RegistryMode,
  options?: RegistryOptions,
): Promise<TestRegistry>;
export async function startRegistry(
  mode: RegistryMode,
  options: RegistryOptions = {},
): Promise<TestRegistry> {
  assertRegistryTools();
  const directory = await mkdtemp(join(tmpdir(), `test-registry-${mode}-`));
  let setup: ModeSetup | undefined;
  let registryProcess: RegistryProcess | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await registryProcess?.stop();
      await setup?.close?.();
      await rm(directory, { recursive: true, force: true });
    })());

  try {
    setup = await setUpMode(mode, directory, options);
    const storageDirectory = join(directory, 'storage');
    await mkdir(storageDirectory);
    const configPath = join(directory, 'config.yml');
    for (let attempt = 1; ; attempt += 1) {
      const port = await findFreePort();
      await writeRegistryConfig(configPath, { port, storageDirectory, ...setup.config });
      const url = `${setup.ca === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
      registryProcess = new RegistryProcess(configPath, directory);
      try {
        await registryProcess.waitUntilReady(url, setup.ca);
        const logs = registryProcess.logs.bind(registryProcess);
        return { url, port, logs, stop, ...setup.details };
      } catch (error) {
        // The port was free when chosen; another process can still bind it before the registry.
        if (attempt >= PORT_ATTEMPTS || !registryProcess.lostItsPort()) throw error;
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
