/**
 * Container image references as the Docker CLI reads them: github.com/distribution/reference
 * v0.6 `ParseNormalizedNamed`, with digests checked like go-digest does.
 *
 *   reference := [domain '/'] path-component ('/' path-component)* [':' tag] ['@' digest]
 */

export const DOCKER_HUB_DOMAIN = 'docker.io';

const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_IMAGES_NAMESPACE = 'library/';
const DEFAULT_TAG = 'latest';
// Since reference v0.6 only the path counts towards this limit, not the registry host.
const MAX_REPOSITORY_LENGTH = 255;

export class InvalidImageReferenceError extends Error {
  override readonly name = 'InvalidImageReferenceError';
}

export interface ImageReference {
  /** Lower-cased registry host[:port]; `docker.io` for Docker Hub. */
  domain: string;
  /** False when the reference named no registry and Docker Hub was assumed. */
  explicitDomain: boolean;
  /** The path, with `library/` added for one-component Docker Hub names. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DOMAIN_NAME = `${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*`;
const IPV6_ADDRESS = '\\[[a-fA-F0-9:]+\\]';
const PORT = ':[0-9]+';
const DOMAIN = anchored(`(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?:${PORT})?`);

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = anchored(`${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`);

const TAG = anchored('\\w[\\w.-]{0,127}');

const ALGORITHM_COMPONENT = '[A-Za-z][A-Za-z0-9]*';
const DIGEST = anchored(`${ALGORITHM_COMPONENT}(?:[-_+.]${ALGORITHM_COMPONENT})*:[a-fA-F0-9]{32,}`);
// The algorithms the Docker CLI has registered, with the length of their hex encoding.
// Any other algorithm is "unsupported" there even when it fits the grammar.
const DIGEST_HEX_LENGTHS = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

// A bare image ID; Docker refuses it as a name so it is never mistaken for one.
const IMAGE_ID = /^[a-f0-9]{64}$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function parseImageReference(text: string): ImageReference {
  if (text === '') {
    throw invalid('image reference is empty');
  }
  if (/\s/.test(text)) {
    throw invalid('image reference must not contain spaces or other whitespace');
  }
  if (URL_SCHEME.test(text)) {
    throw invalid('image reference must not start with a URL scheme such as https://');
  }
  if (IMAGE_ID.test(text)) {
    throw invalid('image reference is a bare image ID, not a repository name');
  }

  const at = text.indexOf('@');
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  // A ':' after the last '/' starts the tag; one before it belongs to the registry's port.
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > beforeDigest.lastIndexOf('/');
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;

  const { domain, explicitDomain, path } = splitDomain(name);
  const repository = checkRepository(
    domain === DOCKER_HUB_DOMAIN && !path.includes('/') ? OFFICIAL_IMAGES_NAMESPACE + path : path,
  );
  return {
    domain,
    explicitDomain,
    repository,
    tag: hasTag ? checkTag(beforeDigest.slice(colon + 1)) : null,
    digest: at === -1 ? null : checkDigest(text.slice(at + 1)),
  };
}

/** The tag to pull: the one given, else `latest` unless a digest pins the image. */
export function effectiveTag(reference: ImageReference): string | null {
  return reference.tag ?? (reference.digest === null ? DEFAULT_TAG : null);
}

interface SplitName {
  domain: string;
  explicitDomain: boolean;
  path: string;
}

function splitDomain(name: string): SplitName {
  if (name === '') {
    throw invalid('image reference has no repository name');
  }
  const slash = name.indexOf('/');
  // Without a '/' the name is always a Docker Hub image, even `localhost` or `example.com`.
  const first = slash === -1 ? '' : name.slice(0, slash);
  const looksLikeHost = first === 'localhost' || first.includes('.') || first.includes(':');
  // Path components are lower case, so an upper-case first component can only be a host.
  const hasUpperCase = first !== first.toLowerCase();
  if (!looksLikeHost && !hasUpperCase) {
    return { domain: DOCKER_HUB_DOMAIN, explicitDomain: false, path: name };
  }
  if (!DOMAIN.test(first)) {
    throw invalid(
      looksLikeHost
        ? 'image registry host is not valid'
        : 'image repository name must be lower case',
    );
  }
  const domain = first.toLowerCase();
  return {
    domain: domain === LEGACY_DOCKER_HUB_DOMAIN ? DOCKER_HUB_DOMAIN : domain,
    explicitDomain: true,
    path: name.slice(slash + 1),
  };
}

/** The repository as the reference grammar allows it (lower-case path components), or throws. */
export function checkRepository(repository: string): string {
  for (const component of repository.split('/')) {
    if (component === '') {
      throw invalid('image repository name must not contain empty parts (such as "//")');
    }
    if (PATH_COMPONENT.test(component.toLowerCase()) && !PATH_COMPONENT.test(component)) {
      throw invalid('image repository name must be lower case');
    }
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        "image repository name may only contain lower-case letters and digits joined by '.', '_', '__' or '-'",
      );
    }
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    throw invalid(`image repository name is longer than ${MAX_REPOSITORY_LENGTH} characters`);
  }
  return repository;
}

function checkTag(tag: string): string {
  if (!TAG.test(tag)) {
    throw invalid(
      "image reference has an invalid tag: use up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    );
  }
  return tag;
}

function checkDigest(digest: string): string {
  if (!DIGEST.test(digest)) {
    throw invalid('image reference has an invalid digest: expected algorithm:hex, as in sha256:…');
  }
  const [algorithm, encoded] = digest.split(':');
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (length === undefined) {
    throw invalid('image digest algorithm is not supported: use sha256, sha384 or sha512');
  }
  if (encoded.length !== length || encoded !== encoded.toLowerCase()) {
    throw invalid(`image ${algorithm} digest must be ${length} lower-case hex characters`);
  }
  return digest;
}

function invalid(message: string): InvalidImageReferenceError {
  return new InvalidImageReferenceError(message);
}
