import fc from 'fast-check';
import {
  DOCKER_HUB_DOMAIN,
  effectiveTag,
  type ImageReference,
  InvalidImageReferenceError,
  parseImageReference,
} from './image-reference';

const SHA256 = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const SHA256_F = `sha256:${'f'.repeat(64)}`;
const SHA384 = `sha384:${'e'.repeat(96)}`;
const SHA512_F = `sha512:${'f'.repeat(128)}`;
const IMAGE_ID = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';

/** A reference that named no registry, so Docker Hub is assumed. */
function hub(repository: string, tag: string | null = null, digest: string | null = null) {
  return { domain: DOCKER_HUB_DOMAIN, explicitDomain: false, repository, tag, digest };
}

/** A reference that named its registry. */
function on(
  domain: string,
  repository: string,
  tag: string | null = null,
  digest: string | null = null,
) {
  return { domain, explicitDomain: true, repository, tag, digest };
}

/** The canonical form `domain/repository[:tag][@digest]`. */
function format({ domain, repository, tag, digest }: ImageReference): string {
  return `${domain}/${repository}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
}

/** The parsed reference or null when rejected; any other error fails the test. */
function outcome(text: string): ImageReference | null {
  try {
    return parseImageReference(text);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) {
      return null;
    }
    throw error;
  }
}

function rejectionOf(text: string): string {
  try {
    parseImageReference(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    return (error as InvalidImageReferenceError).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseImageReference', () => {
  // Mostly the cases of distribution/reference's normalize_test.go, reference_test.go and regexp_test.go.
  describe('accepted references', () => {
    it.each([
      // Docker Hub, familiar names
      ['nginx', hub('library/nginx')],
      ['nginx:1.27', hub('library/nginx', '1.27')],
      ['library/nginx@' + SHA256, hub('library/nginx', null, SHA256)],
      ['nginx:1.27@' + SHA256, hub('library/nginx', '1.27', SHA256)],
      ['redis@' + SHA256, hub('library/redis', null, SHA256)],
      ['dmcgowan/myapp:latest', hub('dmcgowan/myapp', 'latest')],
      ['docker/docker', hub('docker/docker')],
      ['library/foo/bar', hub('library/foo/bar')],
      ['store/foo/bar', hub('store/foo/bar')],
      ['other/library', hub('other/library')],
      ['ubuntu-12.04-base', hub('library/ubuntu-12.04-base')],
      ['lowercase:Uppercase', hub('library/lowercase', 'Uppercase')],
      ['test_com', hub('library/test_com')],
      ['test_com/foo', hub('test_com/foo')],
      ['d/docker', hub('d/docker')],
      ['jess/t', hub('jess/t')],
      ['dock__er/docker', hub('dock__er/docker')],
      ['docker---rules/docker', hub('docker---rules/docker')],
      ['foo/foo_bar.com:8080', hub('foo/foo_bar.com', '8080')],
      // 64 characters, but not hexadecimal; 63 hex characters; a hex ID with a tag
      [
        'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
        hub('library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev'),
      ],
      [IMAGE_ID.slice(1), hub(`library/${IMAGE_ID.slice(1)}`)],
      [`${IMAGE_ID}:v1`, hub(`library/${IMAGE_ID}`, 'v1')],
      // Without a '/' there is no registry: these are Docker Hub names with a tag.
      ['localhost', hub('library/localhost')],
      ['localhost:5000', hub('library/localhost', '5000')],
      ['test.com:5000', hub('library/test.com', '5000')],
      ['192.168.1.1', hub('library/192.168.1.1')],
      ['192.168.1.1:5000', hub('library/192.168.1.1', '5000')],
      ['foo_bar.com:8080', hub('library/foo_bar.com', '8080')],
      ['localhost:8080@' + SHA256, hub('library/localhost', '8080', SHA256)],
      // Docker Hub, named explicitly
      ['docker.io/nginx', on(DOCKER_HUB_DOMAIN, 'library/nginx')],
      ['docker.io/library/nginx:1.27', on(DOCKER_HUB_DOMAIN, 'library/nginx', '1.27')],
      ['docker.io/library/foo/bar', on(DOCKER_HUB_DOMAIN, 'library/foo/bar')],
      ['docker.io/myuser/app', on(DOCKER_HUB_DOMAIN, 'myuser/app')],
      ['index.docker.io/nginx', on(DOCKER_HUB_DOMAIN, 'library/nginx')],
      ['index.docker.io/library/debian', on(DOCKER_HUB_DOMAIN, 'library/debian')],
      ['index.docker.io/docker/docker', on(DOCKER_HUB_DOMAIN, 'docker/docker')],
      [`docker.io/${IMAGE_ID}`, on(DOCKER_HUB_DOMAIN, `library/${IMAGE_ID}`)],
      // Decision: the domain is lower-cased before the Docker Hub rules apply.
      ['Docker.IO/nginx', on(DOCKER_HUB_DOMAIN, 'library/nginx')],
      ['INDEX.docker.io/nginx', on(DOCKER_HUB_DOMAIN, 'library/nginx')],
      // Another Docker Hub host is just another domain; the caller matches aliases.
      ['registry-1.docker.io/library/nginx', on('registry-1.docker.io', 'library/nginx')],
      ['registry-1.docker.io/nginx', on('registry-1.docker.io', 'nginx')],
      // Other registries: the first component has a '.' or ':' or is `localhost`.
      ['harbor.example.com:8443/proj/app:v1', on('harbor.example.com:8443', 'proj/app', 'v1')],
      ['localhost:5000/app', on('localhost:5000', 'app')],
      ['localhost/app', on('localhost', 'app')],
      ['a.b/c/d/e:tag', on('a.b', 'c/d/e', 'tag')],
      ['test:5000/repo', on('test:5000', 'repo')],
      ['test-com:8080/foo', on('test-com:8080', 'foo')],
      ['test:5000/repo:tag@' + SHA256_F, on('test:5000', 'repo', 'tag', SHA256_F)],
      ['example.com:8000/named@' + SHA256, on('example.com:8000', 'named', null, SHA256)],
      ['127.0.0.1:5000/docker/docker', on('127.0.0.1:5000', 'docker/docker')],
      ['192.168.0.1:8/debian', on('192.168.0.1:8', 'debian')],
      ['192.168.1.1/repo', on('192.168.1.1', 'repo')],
      ['192.168.1.1:5000/repo:5050', on('192.168.1.1:5000', 'repo', '5050')],
      // The grammar puts no bound on the port number.
      ['192.168.1.1:750050/repo', on('192.168.1.1:750050', 'repo')],
      [
        'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
        on('sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag'),
      ],
      [
        'b.gcr.io/test.example.com/my-app:test.example.com',
        on('b.gcr.io', 'test.example.com/my-app', 'test.example.com'),
      ],
      ['xn--n3h.com/myimage:xn--n3h.com', on('xn--n3h.com', 'myimage', 'xn--n3h.com')],
      [
        `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512_F}`,
        on('xn--7o8h.com', 'myimage', 'xn--7o8h.com', SHA512_F),
      ],
      [
        'registry.io/foo/project--id.module--name.ver---sion--name',
        on('registry.io', 'foo/project--id.module--name.ver---sion--name'),
      ],
      [
        'example.com/some_separator__underscore/myimage',
        on('example.com', 'some_separator__underscore/myimage'),
      ],
      ['Asdf.com/foo/bar', on('asdf.com', 'foo/bar')],
      // IPv6 literals
      ['[::1]:5000/app:tag', on('[::1]:5000', 'app', 'tag')],
      ['[2001:db8::1]/repo', on('[2001:db8::1]', 'repo')],
      ['[2001:db8:1:2:3:4:5:6]/repo:tag', on('[2001:db8:1:2:3:4:5:6]', 'repo', 'tag')],
      ['[2001:db8::]:5000/repo', on('[2001:db8::]:5000', 'repo')],
      [
        '[2001:db8::1]:5000/repo:tag@' + SHA256_F,
        on('[2001:db8::1]:5000', 'repo', 'tag', SHA256_F),
      ],
      [
        '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
        on('[fc00:1:2:3:4:5:6:7]:5000', 'library/debian'),
      ],
      ['[FC00::1]:5000/docker', on('[fc00::1]:5000', 'docker')],
      // reference v0.6: upper case is never valid in a path, so an upper-case first component is
      // a registry. `LocalHost:5000` has a ':' anyway; both end up lower-cased.
      ['LocalHost:5000/app', on('localhost:5000', 'app')],
      ['LOCALHOST/app', on('localhost', 'app')],
      ['Docker/docker', on('docker', 'docker')],
      ['FOO/bar', on('foo', 'bar')],
      // digests of every registered algorithm, and tags at their limit
      ['nginx@' + SHA384, hub('library/nginx', null, SHA384)],
      ['nginx@' + SHA512_F, hub('library/nginx', null, SHA512_F)],
      ['nginx:' + 'a'.repeat(128), hub('library/nginx', 'a'.repeat(128))],
      ['nginx:_', hub('library/nginx', '_')],
      ['nginx:V1.2-rc_3', hub('library/nginx', 'V1.2-rc_3')],
    ])('%s', (text, expected) => {
      expect(parseImageReference(text)).toEqual(expected);
    });
  });

  describe('repository length', () => {
    // Since reference v0.6 the limit applies to the path only, `library/` included.
    it.each([
      [
        'a/'.repeat(127) + 'a:tag-puts-this-over-max',
        hub('a/'.repeat(127) + 'a', 'tag-puts-this-over-max'),
      ],
      ['x'.repeat(247), hub(`library/${'x'.repeat(247)}`)],
      [
        `registry.example.com:5000/${'x'.repeat(255)}`,
        on('registry.example.com:5000', 'x'.repeat(255)),
      ],
    ])('accepts a path of 255 characters (%#)', (text, expected) => {
      expect(parseImageReference(text)).toEqual(expected);
    });

    it.each([
      'a/'.repeat(128) + 'a:tag',
      'x'.repeat(248),
      `registry.example.com/${'x'.repeat(256)}`,
      Array(4)
        .fill('this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255')
        .join('_') + '/docker',
    ])('rejects a longer path (%#)', (text) => {
      expect(rejectionOf(text)).toBe('image repository name is longer than 255 characters');
    });
  });

  describe('rejected references', () => {
    it.each([
      ['', 'empty'],
      [' nginx', 'whitespace'],
      ['nginx ', 'whitespace'],
      ['nginx\n', 'whitespace'],
      ['ngi nx:1', 'whitespace'],
      ['https://x/y', 'URL scheme'],
      ['https://github.com/docker/docker', 'URL scheme'],
      ['HTTP://localhost:5000/app', 'URL scheme'],
      [IMAGE_ID, 'image ID'],
      [':tag', 'no repository name'],
      [':justtag', 'no repository name'],
      ['@' + SHA256_F, 'no repository name'],
      // upper case in the path
      ['Nginx', 'lower case'],
      ['Uppercase:tag', 'lower case'],
      ['docker/Docker', 'lower case'],
      ['docker.io/docker/Docker', 'lower case'],
      ['test:5000/Uppercase/lowercase:tag', 'lower case'],
      ['Foo/FarB', 'lower case'],
      ['My_Org/app', 'lower case'],
      // empty path components
      ['docker///docker', 'empty parts'],
      ['docker.io/docker///docker', 'empty parts'],
      ['a//a/a', 'empty parts'],
      ['docker/', 'empty parts'],
      ['foo.com/', 'empty parts'],
      ['a/a/a/a/', 'empty parts'],
      ['localhost/', 'empty parts'],
      ['/app', 'empty parts'],
      // badly formed path components
      ['-docker', 'may only contain'],
      ['-docker/docker', 'may only contain'],
      ['docker-/docker', 'may only contain'],
      ['-docker-/docker', 'may only contain'],
      ['____/____', 'may only contain'],
      ['_docker/_docker', 'may only contain'],
      ['example.com/nodouble..dots/myimage', 'may only contain'],
      ['foo/bar-', 'may only contain'],
      ['foo/-bar', 'may only contain'],
      ['a^a', 'may only contain'],
      ['aa/asdf$$^/aa', 'may only contain'],
      ['example.com/__underscore/myimage', 'may only contain'],
      ['example.com/..dots/myimage', 'may only contain'],
      ['example.com/.dots/myimage', 'may only contain'],
      ['nginx:1:2', 'may only contain'],
      // a registry that is not a valid host[:port]
      ['-docker.io/docker/docker', 'registry host'],
      ['docker./docker', 'registry host'],
      ['.docker/docker', 'registry host'],
      // A '.' makes the first component a registry, so these fail as hosts, not as paths.
      ['dock..er/docker', 'registry host'],
      ['dock_.er/docker', 'registry host'],
      ['dock-.er/docker', 'registry host'],
      ['bad_hostname.com:8080/myapp:tag', 'registry host'],
      ['foo_bar.com:8080/app', 'registry host'],
      ['do__cker:8080/docker', 'registry host'],
      ['foo.com:http/bar', 'registry host'],
      ['localhost:http/name@' + SHA256, 'registry host'],
      ['fc00::1:5000/debian', 'registry host'],
      ['[fe80::1%eth0]:5000/debian', 'registry host'],
      ['[fe80::1%@invalidzone]:5000/repo', 'may only contain'],
      ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'registry host'],
      ['[fd00:1:2::3]75050/app', 'registry host'],
      ['user:pass@example.com/app', 'invalid digest'],
      // Decision: distribution accepts this as a path with an empty domain; no client can pull it.
      ['foo_bar.com/app', 'registry host'],
      // An IPv6 registry needs a path after it.
      ['[fc00::1]', 'may only contain'],
      ['[fc00::1]:5000', 'may only contain'],
      ['[2001:db8::1]:tag', 'may only contain'],
      // tags
      ['nginx:', 'invalid tag'],
      ['nginx:-tag', 'invalid tag'],
      ['nginx:.tag', 'invalid tag'],
      ['nginx:tag!', 'invalid tag'],
      ['registry.com:8080/myapp:invalid~tag', 'invalid tag'],
      ['nginx:' + 'a'.repeat(129), 'invalid tag'],
      ['nginx:ü', 'invalid tag'],
      // digests
      ['nginx@', 'invalid digest'],
      ['nginx@sha256:abc', 'invalid digest'],
      ['registry.com:8080/myapp@bad', 'invalid digest'],
      ['registry.com:8080/myapp@2bad', 'invalid digest'],
      ['nginx@sha256:' + 'f'.repeat(64) + '@x', 'invalid digest'],
      ['nginx@' + SHA256 + ':1', 'invalid digest'],
      ['repo@sha256:' + 'f'.repeat(34), '64 lower-case hex'],
      ['nginx@sha256:' + 'f'.repeat(65), '64 lower-case hex'],
      ['nginx@sha256:' + 'F'.repeat(64), '64 lower-case hex'],
      ['nginx@sha512:' + 'f'.repeat(64), '128 lower-case hex'],
      ['validname@invaliddigest:' + 'f'.repeat(64), 'not supported'],
      ['nginx@SHA256:' + 'f'.repeat(64), 'not supported'],
      ['nginx@md5:' + 'f'.repeat(32), 'not supported'],
    ])('%j (%s)', (text, reason) => {
      const message = rejectionOf(text);
      expect(message).toMatch(/^image /);
      expect(message).toContain(reason);
    });
  });

  it('gives the error its own name for logs', () => {
    const error = new InvalidImageReferenceError('image reference is empty');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidImageReferenceError');
  });

  it('cannot write back a registry that was recognised by upper case alone', () => {
    // `Registry/app` names the registry `Registry`; lower-cased, `registry/app` is a Docker Hub path.
    const parsed = parseImageReference('Registry/app');
    expect(parsed).toEqual(on('registry', 'app'));
    expect(parseImageReference(format(parsed))).toEqual(hub('registry/app'));
  });
});

describe('effectiveTag', () => {
  it.each([
    ['nginx', 'latest'],
    ['nginx:1.27', '1.27'],
    ['nginx@' + SHA256, null],
    ['nginx:1.27@' + SHA256, '1.27'],
    ['localhost:5000/app', 'latest'],
  ])('%s → %s', (text, expected) => {
    expect(effectiveTag(parseImageReference(text))).toBe(expected);
  });
});

// --- properties ------------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const port = fc.integer({ min: 0, max: 99999 }).map(String);
const host = fc.oneof(
  fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.ipV4(),
  // The grammar leaves out IPv6 with an embedded IPv4 address (`::ffff:1.2.3.4`).
  fc
    .ipV6()
    .filter((address) => !address.includes('.'))
    .map((address) => `[${address.toLowerCase()}]`),
  fc.constant('localhost'),
);
/** A registry written in canonical (lower-case) form, other than Docker Hub. */
const registry = fc
  .oneof(
    host,
    fc.tuple(host, port).map(([name, number]) => `${name}:${number}`),
    fc.tuple(label, port).map(([name, number]) => `${name}:${number}`),
  )
  .filter((domain) => domain !== DOCKER_HUB_DOMAIN && domain !== 'index.docker.io');
const pathComponent = fc
  .stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/)
  .filter((component) => component.length <= 40);
const tag = fc.stringMatching(/^\w[\w.-]{0,127}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
  fc.stringMatching(/^[a-f0-9]{128}$/).map((hex) => `sha512:${hex}`),
);

const canonicalReference: fc.Arbitrary<ImageReference> = fc
  .record({
    domain: fc.oneof(registry, fc.constant(DOCKER_HUB_DOMAIN)),
    path: fc.array(pathComponent, { minLength: 1, maxLength: 4 }),
    tag: fc.option(tag, { nil: null }),
    digest: fc.option(digest, { nil: null }),
  })
  .map(({ domain, path, tag, digest }) => {
    const official = domain === DOCKER_HUB_DOMAIN && path.length === 1;
    const repository = (official ? ['library', ...path] : path).join('/');
    return { domain, explicitDomain: true, repository, tag, digest };
  })
  .filter((reference) => reference.repository.length <= 255);

/** References as people write them: any case in the registry, Docker Hub short forms. */
const writtenReference = fc
  .record({
    domain: fc.option(
      fc.oneof(
        registry,
        fc.mixedCase(registry),
        fc.mixedCase(fc.constantFrom(DOCKER_HUB_DOMAIN, 'index.docker.io', 'localhost')),
      ),
      { nil: null },
    ),
    path: fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
    tag: fc.option(tag, { nil: null }),
    digest: fc.option(digest, { nil: null }),
  })
  .map(
    ({ domain, path, tag, digest }) =>
      `${domain === null ? '' : `${domain}/`}${path.join('/')}` +
      `${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`,
  );

const nearReference = fc.oneof(
  writtenReference,
  // one character inserted, replaced or removed
  fc
    .tuple(
      writtenReference,
      fc.nat(),
      fc.constantFrom('', '/', ':', '@', '.', '-', '_', 'A', ' ', '['),
    )
    .map(([text, at, insert]) => {
      const index = at % (text.length + 1);
      return text.slice(0, index) + insert + text.slice(index + (at % 2));
    }),
  fc.string({ unit: fc.constantFrom(...'ab0f.-_:/@[]Al'), maxLength: 30 }),
);

describe('properties', () => {
  it('writes back generated canonical references unchanged', () => {
    fc.assert(
      fc.property(canonicalReference, (reference) => {
        const text = format(reference);
        expect(parseImageReference(text)).toEqual(reference);
        expect(format(parseImageReference(text))).toBe(text);
      }),
    );
  });

  it('parses its own canonical form back to the same reference', () => {
    fc.assert(
      fc.property(writtenReference, (text) => {
        const parsed = outcome(text);
        if (parsed !== null) {
          expect(parseImageReference(format(parsed))).toEqual({ ...parsed, explicitDomain: true });
        }
      }),
    );
  });

  it('never throws anything but InvalidImageReferenceError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), nearReference), (text) => {
        const parsed = outcome(text);
        if (parsed !== null) {
          expect(parsed.domain).toBe(parsed.domain.toLowerCase());
          expect(parsed.repository.length).toBeLessThanOrEqual(255);
        }
      }),
    );
  });

  it('agrees with the regular expressions of distribution/reference', () => {
    fc.assert(
      fc.property(nearReference, (text) => {
        expect(outcome(text)).toEqual(distributionParse(text));
      }),
      { numRuns: 2000 },
    );
  });
});

// --- an independent model of reference v0.6 ParseNormalizedNamed + go-digest -----------------
// Built from regexp.go's single reference pattern rather than the parser's step-by-step split.

const ALPHANUMERIC = '[a-z0-9]+';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:(?:[._]|__|[-]+)${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_AND_PORT = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  `^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::([\\w][\\w.-]{0,127}))?` +
    `(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][a-fA-F0-9]{32,}))?$`,
);
const NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const REGISTERED_DIGESTS = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

function distributionParse(text: string): ImageReference | null {
  if (/^[a-f0-9]{64}$/.test(text)) {
    return null;
  }
  // splitDockerDomain, with our one change: the domain is compared lower-cased.
  const [first, ...rest] = text.split('/');
  const isDomain =
    rest.length > 0 &&
    (first === 'localhost' || /[.:]/.test(first) || first !== first.toLowerCase());
  let domain = isDomain ? first : DOCKER_HUB_DOMAIN;
  let remainder = isDomain ? rest.join('/') : text;
  if (domain.toLowerCase() === 'index.docker.io' || domain.toLowerCase() === DOCKER_HUB_DOMAIN) {
    domain = DOCKER_HUB_DOMAIN;
  }
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) {
    remainder = `library/${remainder}`;
  }
  const remote = remainder.split(':')[0];
  if (remote !== remote.toLowerCase()) {
    return null;
  }

  // Parse
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  const name = match === null ? null : NAME.exec(match[1]);
  // Our other change: distribution keeps `foo_bar.com/app` as a path with an empty domain.
  if (match === null || name === null || name[1] === undefined || name[2].length > 255) {
    return null;
  }
  const [, , tag = null, digest = null] = match;
  if (digest !== null && !REGISTERED_DIGESTS.test(digest)) {
    return null;
  }
  return {
    domain: name[1].toLowerCase(),
    explicitDomain: isDomain,
    repository: name[2],
    tag,
    digest,
  };
}
