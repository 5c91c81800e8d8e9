import { execFile } from 'node:child_process';
import {
  createHash,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A P-256 key and a self-signed certificate for it, made by openssl. */
async function selfSigned(directory: string, name: string, extensions: string[]): Promise<void> {
  await run('openssl', [
    'req', '-x509', '-new', '-nodes', '-days', '2',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-keyout', join(directory, `${name}.key`),
    '-out', join(directory, `${name}.pem`),
    '-subj', `/CN=${name}`,
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ]); // prettier-ignore
}

export interface TlsCertificates {
  /** The test CA's certificate (PEM): what a client must trust. */
  caPem: string;
  /** The server certificate (PEM file) for 127.0.0.1 and localhost, signed by the CA. */
  certificatePath: string;
  /** The server's private key (PEM file). */
  keyPath: string;
}

/** A throwaway CA and a server certificate it signed for `IP:127.0.0.1, DNS:localhost`, in `directory`. */
export async function createTlsCertificates(directory: string): Promise<TlsCertificates> {
  await selfSigned(directory, 'test-ca', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const keyPath = join(directory, 'server.key');
  const requestPath = join(directory, 'server.csr');
  const certificatePath = join(directory, 'server.pem');
  const extensionsPath = join(directory, 'server.ext');
  await run('openssl', [
    'req', '-new', '-nodes',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-keyout', keyPath, '-out', requestPath, '-subj', '/CN=127.0.0.1',
  ]); // prettier-ignore
  await writeFile(
    extensionsPath,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ].join('\n'),
  );
  await run('openssl', [
    'x509', '-req', '-days', '2', '-in', requestPath,
    '-CA', join(directory, 'test-ca.pem'), '-CAkey', join(directory, 'test-ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-extfile', extensionsPath, '-out', certificatePath,
  ]); // prettier-ignore
  return {
    caPem: await readFile(join(directory, 'test-ca.pem'), 'utf8'),
    certificatePath,
    keyPath,
  };
}

export interface SigningCertificate {
  /** The certificate (PEM file) the registry trusts as `auth.token.rootcertbundle`. */
  certificatePath: string;
  /** Its P-256 private key, for ES256 token signatures. */
  privateKey: KeyObject;
  /** The libtrust key ID of its public key: the JWT header `kid` the registry looks keys up by. */
  keyId: string;
}

/** A self-signed P-256 certificate for signing registry tokens, in `directory`. */
export async function createSigningCertificate(directory: string): Promise<SigningCertificate> {
  await selfSigned(directory, 'token-signer', []);
  const certificatePath = join(directory, 'token-signer.pem');
  const certificate = new X509Certificate(await readFile(certificatePath));
  return {
    certificatePath,
    privateKey: createPrivateKey(await readFile(join(directory, 'token-signer.key'))),
    keyId: libtrustKeyId(certificate.publicKey),
  };
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let index = 0; index < bits.length; index += 5) {
    encoded += BASE32_ALPHABET[parseInt(bits.slice(index, index + 5).padEnd(5, '0'), 2)];
  }
  return encoded;
}

/**
 * docker/libtrust's key ID: the first 240 bits of sha256(SPKI DER), base32 encoded (48 characters),
 * in 12 groups of 4 joined by ':'. Distribution indexes the `rootcertbundle` keys by it.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const digest = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' }));
  const encoded = base32(digest.digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}
