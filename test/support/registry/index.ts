/**
 * Real container registries for the e2e tests: distribution 2.8 (`docker-registry`) on a free port
 * of 127.0.0.1, open, with htpasswd Basic auth, with bearer tokens from our own token server, or
 * over TLS with a throwaway CA; and a way to push tiny Docker v2 / OCI images into them.
 *
 *   const describeWithRegistry = registrySuitesRun('my suite') ? describe : describe.skip;
 *   const registry = await startRegistry('token');
 *   const { digest } = await pushImage(registry, 'team/app', 'v1', { format: 'oci' });
 *   ...
 *   await registry.stop();
 */
export { createSigningCertificate, createTlsCertificates, libtrustKeyId } from './certificates';
export type { SigningCertificate, TlsCertificates } from './certificates';
export { parseChallenge } from './challenge';
export type { AuthChallenge } from './challenge';
export { findFreePort } from './free-port';
export { basicAuthorization, headerValue, httpRequest } from './http-request';
export type { HttpRequestOptions, HttpResponse } from './http-request';
export { ACCEPT_ALL_MANIFESTS, MediaType } from './media-types';
export { pushImage } from './push-image';
export type { PushedImage, PushImageOptions } from './push-image';
export { fetchRegistryToken, RegistryClient } from './registry-client';
export type { Credentials, RegistryClientOptions, TokenRequest } from './registry-client';
export { BASIC_REALM, startRegistry, TOKEN_ISSUER, TOKEN_SERVICE } from './registry-server';
export type {
  BasicRegistry,
  OpenRegistry,
  RegistryMode,
  RegistryOptions,
  TestRegistry,
  TlsRegistry,
  TokenRegistry,
} from './registry-server';
export { buildTestImage, sha256Digest } from './test-image';
export type { ImageBlob, ImageFormat, TestImage } from './test-image';
export { parseScope, startTokenServer, TokenServer } from './token-server';
export type { TokenAccess, TokenRequestRecord, TokenServerOptions } from './token-server';
export { missingRegistryTools, REGISTRY_BINARY, registrySuitesRun } from './tools';
