import { headerValue, type HttpResponse } from './http-request';
import { type Credentials, RegistryClient } from './registry-client';
import type { TestRegistry } from './registry-server';
import { type ImageBlob, buildTestImage, type ImageFormat } from './test-image';

export interface PushImageOptions {
  format: ImageFormat;
  /** Defaults to the registry's own credentials ('basic' and 'token' modes). */
  auth?: Credentials;
}

export interface PushedImage {
  /** The manifest's digest: sha256 of its exact bytes, checked against `Docker-Content-Digest`. */
  digest: string;
  mediaType: string;
  /** The manifest's size in bytes. */
  size: number;
  /** The manifest exactly as pushed. */
  manifest: string;
  configDigest: string;
  layerDigest: string;
}

function expectStatus(response: HttpResponse, expected: number, what: string): void {
  if (response.status !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${response.status}: ${response.text}`);
  }
}

/** POST /v2/<name>/blobs/uploads/, then PUT the whole blob to the Location with ?digest=. */
async function uploadBlob(
  client: RegistryClient,
  repository: string,
  blob: ImageBlob,
): Promise<void> {
  const started = await client.request(`/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expectStatus(started, 202, `starting the upload of ${blob.digest} to ${repository}`);
  const location = new URL(headerValue(started.headers, 'location') ?? '', client.url);
  location.searchParams.set('digest', blob.digest);
  const finished = await client.request(location.href, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: blob.data,
  });
  expectStatus(finished, 201, `uploading ${blob.digest} to ${repository}`);
}

/**
 * Pushes a tiny one-layer image as `repository:tag` through the registry HTTP API, as a Docker v2
 * or an OCI manifest, authenticating like a client (Basic, or a pull,push token from the realm).
 */
export async function pushImage(
  registry: TestRegistry,
  repository: string,
  tag: string,
  options: PushImageOptions,
): Promise<PushedImage> {
  const client = RegistryClient.for(registry, {
    scope: `repository:${repository}:pull,push`,
    ...(options.auth === undefined ? {} : { credentials: options.auth }),
  });
  const image = buildTestImage(options.format, `${repository}:${tag}`);
  await uploadBlob(client, repository, image.config);
  await uploadBlob(client, repository, image.layer);
  const { manifest } = image;
  const response = await client.request(`/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': manifest.mediaType },
    body: manifest.data,
  });
  expectStatus(response, 201, `putting the manifest of ${repository}:${tag}`);
  const answered = headerValue(response.headers, 'docker-content-digest');
  if (answered !== manifest.digest) {
    throw new Error(
      `the registry says ${repository}:${tag} is ${answered}, we computed ${manifest.digest}`,
    );
  }
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.data.length,
    manifest: manifest.data.toString('utf8'),
    configDigest: image.config.digest,
    layerDigest: image.layer.digest,
  };
}
