import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MediaType } from './media-types';

export type ImageFormat = 'docker' | 'oci';

export interface ImageBlob {
  mediaType: string;
  /** `sha256:<hex>` of `data`. */
  digest: string;
  data: Buffer;
}

export interface TestImage {
  config: ImageBlob;
  layer: ImageBlob;
  /** The manifest exactly as it is uploaded; its digest is `manifest.digest`. */
  manifest: ImageBlob;
}

export const sha256Digest = (data: Buffer): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

const blob = (mediaType: string, data: Buffer): ImageBlob => ({
  mediaType,
  digest: sha256Digest(data),
  data,
});

/** A ustar archive holding one regular file. */
function tarWithFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string =>
    `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8)); // uid
  field(116, 8, octal(0, 8)); // gid
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12)); // mtime
  field(148, 8, ' '.repeat(8)); // checksum placeholder, counted as spaces
  field(156, 1, '0'); // regular file
  field(257, 8, 'ustar\x0000');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

/**
 * A tiny single-layer linux/amd64 image whose one file names `label`, so that different labels give
 * different digests. The config has `rootfs` and `history`, which distribution needs to rewrite a
 * Docker v2 manifest to schema 1 for old clients.
 */
export function buildTestImage(format: ImageFormat, label: string): TestImage {
  const tar = tarWithFile('hello.txt', Buffer.from(`hello from ${label}\n`));
  const docker = format === 'docker';
  const layer = blob(docker ? MediaType.dockerLayer : MediaType.ociLayer, gzipSync(tar));
  const imageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: `test image ${label}` }],
  };
  const config = blob(
    docker ? MediaType.dockerConfig : MediaType.ociConfig,
    Buffer.from(JSON.stringify(imageConfig)),
  );
  const descriptor = ({ mediaType, digest, data }: ImageBlob): object => ({
    mediaType,
    size: data.length,
    digest,
  });
  const manifestType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const manifest = {
    schemaVersion: 2,
    mediaType: manifestType,
    config: descriptor(config),
    layers: [descriptor(layer)],
  };
  return { config, layer, manifest: blob(manifestType, Buffer.from(JSON.stringify(manifest))) };
}
