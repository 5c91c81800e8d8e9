import fc from 'fast-check';
import {
  DOCKER_HUB_URL,
  InvalidRegistryUrlError,
  isBlockedHost,
  isDockerHubUrl,
  normalizeRegistryUrl,
} from './registry-url';

/** The result or the error message, so properties can compare inputs that may be rejected. */
function outcome(input: string): string {
  try {
    return normalizeRegistryUrl(input);
  } catch (error) {
    if (error instanceof InvalidRegistryUrlError) {
      return `error: ${error.message}`;
    }
    throw error;
  }
}

function rejectionOf(input: string): string {
  try {
    normalizeRegistryUrl(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRegistryUrlError);
    return (error as InvalidRegistryUrlError).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

const scheme = fc.constantFrom('http', 'https', 'HTTP', 'Https');
const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((address) => `[${address}]`),
  fc.constantFrom('localhost', 'docker.io', 'index.docker.io', 'bücher.example'),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const path = fc
  .array(fc.oneof(fc.webSegment(), fc.constantFrom('v2', 'V2', 'v1', '')), { maxLength: 5 })
  .map((segments) => segments.map((segment) => `/${segment}`).join(''));

interface UrlParts {
  scheme: string;
  host: string;
  port: number | undefined;
  path: string;
}
const urlParts: fc.Arbitrary<UrlParts> = fc.record({ scheme, host, port, path });

function assemble({ scheme, host, port, path }: UrlParts): string {
  return `${scheme}://${host}${port === undefined ? '' : `:${port}`}${path}`;
}

const registryUrl = urlParts.map(assemble);
const anyInput = fc.oneof(
  registryUrl,
  urlParts.map((parts) => assemble(parts).replace(/^[a-zA-Z]+:\/\//, '')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webUrl({
    validSchemes: ['http', 'https'],
    authoritySettings: { withPort: true, withIPv4: true, withIPv6: true, withIPv4Extended: true },
  }),
  fc.string(),
);

describe('normalizeRegistryUrl', () => {
  describe('accepted input', () => {
    it.each([
      // scheme and host/port
      ['harbor.example.com', 'https://harbor.example.com'],
      ['harbor.example.com:8443', 'https://harbor.example.com:8443'],
      ['localhost:5000', 'https://localhost:5000'],
      ['http://localhost:5000', 'http://localhost:5000'],
      ['192.168.1.10:5000', 'https://192.168.1.10:5000'],
      ['  https://harbor.example.com \n', 'https://harbor.example.com'],
      ['HTTPS://Harbor.Example.com:443/', 'https://harbor.example.com'],
      ['HTTP://HARBOR.EXAMPLE.COM', 'http://harbor.example.com'],
      // default ports only
      ['https://harbor.example.com:443', 'https://harbor.example.com'],
      ['http://harbor.example.com:80', 'http://harbor.example.com'],
      ['http://harbor.example.com:443', 'http://harbor.example.com:443'],
      ['https://harbor.example.com:80', 'https://harbor.example.com:80'],
      // IDN and IPv6
      ['bücher.example', 'https://xn--bcher-kva.example'],
      ['https://BÜCHER.example/v2/', 'https://xn--bcher-kva.example'],
      ['https://[::1]:5000/', 'https://[::1]:5000'],
      ['[::1]:5000', 'https://[::1]:5000'],
      ['https://[0:0:0:0:0:0:0:1]:443', 'https://[::1]'],
      // trailing slashes and the /v2 API suffix
      ['harbor.example.com/v2/', 'https://harbor.example.com'],
      ['https://harbor.example.com/v2', 'https://harbor.example.com'],
      ['https://harbor.example.com///', 'https://harbor.example.com'],
      ['https://harbor.example.com/v2/v2/', 'https://harbor.example.com'],
      ['https://harbor.example.com//v2', 'https://harbor.example.com'],
      ['https://harbor.example.com/V2', 'https://harbor.example.com/V2'],
      ['https://harbor.example.com/V2/', 'https://harbor.example.com/V2'],
      ['https://harbor.example.com/v2x', 'https://harbor.example.com/v2x'],
      ['https://harbor.example.com/v2/x', 'https://harbor.example.com/v2/x'],
      // other paths are kept, case included
      [
        'https://artifactory.example.com/artifactory/api/docker/repo',
        'https://artifactory.example.com/artifactory/api/docker/repo',
      ],
      [
        'https://artifactory.example.com/artifactory/api/docker/repo/v2/',
        'https://artifactory.example.com/artifactory/api/docker/repo',
      ],
      ['https://harbor.example.com/Team/Project/', 'https://harbor.example.com/Team/Project'],
      ['https://harbor.example.com/a/../v2/', 'https://harbor.example.com'],
      ['https://harbor.example.com/path@with-at', 'https://harbor.example.com/path@with-at'],
    ])('%j → %j', (input, expected) => {
      expect(normalizeRegistryUrl(input)).toBe(expected);
    });
  });

  describe('Docker Hub aliases', () => {
    const aliases = [
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'registry.hub.docker.com',
    ];
    const variants = (alias: string): string[] => [
      alias,
      alias.toUpperCase(),
      `${alias}/`,
      `${alias}/v2/`,
      `https://${alias}`,
      `https://${alias}:443/v2`,
      `http://${alias}`,
      `http://${alias}:80/`,
    ];

    it.each(aliases.flatMap(variants))('%j → Docker Hub', (input) => {
      expect(normalizeRegistryUrl(input)).toBe(DOCKER_HUB_URL);
    });

    it.each(['https://index.docker.io/v1/', 'https://index.docker.io/v1', 'index.docker.io/v1/'])(
      '%j (legacy v1 address) → Docker Hub',
      (input) => {
        expect(normalizeRegistryUrl(input)).toBe(DOCKER_HUB_URL);
      },
    );

    it.each([
      ['https://docker.io:5000', 'https://docker.io:5000'],
      ['http://docker.io:443', 'http://docker.io:443'],
      ['https://docker.io/v1/', 'https://docker.io/v1'],
      ['https://index.docker.io/V1', 'https://index.docker.io/V1'],
      ['https://registry-1.docker.io/library', 'https://registry-1.docker.io/library'],
      ['https://mirror.docker.io', 'https://mirror.docker.io'],
    ])('%j is not an alias → %j', (input, expected) => {
      expect(normalizeRegistryUrl(input)).toBe(expected);
    });
  });

  describe('length limit', () => {
    const base = 'https://h.example/';
    const pathOfLength = (total: number): string => base + 'a'.repeat(total - base.length);

    it('accepts a result of exactly 512 characters', () => {
      expect(normalizeRegistryUrl(pathOfLength(512))).toHaveLength(512);
    });

    it('measures the normalised result, not the input', () => {
      expect(normalizeRegistryUrl(`${pathOfLength(512)}/v2/${'/'.repeat(600)}`)).toHaveLength(512);
    });

    it('rejects a result of 513 characters', () => {
      expect(rejectionOf(pathOfLength(513))).toBe('url must be at most 512 characters');
    });
  });

  describe('rejected input', () => {
    it.each([
      ['', 'url must not be empty'],
      [' \t\n ', 'url must not be empty'],
      ['ftp://harbor.example.com', 'url must use http or https'],
      ['file:///etc/passwd', 'url must use http or https'],
      ['javascript://harbor.example.com', 'url must use http or https'],
      ['httpss://harbor.example.com', 'url must use http or https'],
      ['://harbor.example.com', 'url must use http or https'],
      ['https://user:secret@harbor.example.com', 'url must not contain user info'],
      ['https://user@harbor.example.com:5000/path', 'url must not contain user info'],
      ['https://@harbor.example.com', 'url must not contain user info'],
      ['user:secret@harbor.example.com', 'url must not contain user info'],
      ['https:////user:secret@harbor.example.com', 'url must not contain user info'],
      ['https://harbor.example.com?', 'url must not contain a query'],
      ['https://harbor.example.com/v2/?x=1', 'url must not contain a query'],
      ['harbor.example.com?x', 'url must not contain a query'],
      ['https://harbor.example.com#', 'url must not contain a fragment'],
      ['https://harbor.example.com/path#top', 'url must not contain a fragment'],
      ['https://harbor.example.com?a=1#top', 'url must not contain a fragment'],
      ['https://', 'url must include a host'],
      ['https:///', 'url must include a host'],
      ['https://:5000', 'url must include a host'],
      ['https://harbor example.com', 'url is not a valid URL'],
      ['https://harbor.example.com:99999', 'url is not a valid URL'],
      ['https://[::1', 'url is not a valid URL'],
      ['https://xn--a.example', 'url is not a valid URL'],
      ['http://169.254.169.254', 'url must not point to a link-local or metadata address'],
      [
        '169.254.169.254/latest/meta-data',
        'url must not point to a link-local or metadata address',
      ],
      ['http://0xa9fea9fe', 'url must not point to a link-local or metadata address'],
      ['http://169.254.43518', 'url must not point to a link-local or metadata address'],
      ['https://[fe80::1]:5000', 'url must not point to a link-local or metadata address'],
      ['https://[FEBF::abcd]', 'url must not point to a link-local or metadata address'],
      [
        'https://[::ffff:169.254.169.254]',
        'url must not point to a link-local or metadata address',
      ],
      ['https://[::a9fe:a9fe]', 'url must not point to a link-local or metadata address'],
      ['https://[64:ff9b::a9fe:a9fe]', 'url must not point to a link-local or metadata address'],
      ['https://[2002:a9fe:a9fe::]', 'url must not point to a link-local or metadata address'],
      ['http:\\\\169.254.169.254', 'url must not contain a backslash'],
      ['https://harbor.example.com\\team', 'url must not contain a backslash'],
      ['harbor.example.com\\@evil.example', 'url must not contain a backslash'],
    ])('%j → %j', (input, message) => {
      expect(rejectionOf(input)).toBe(message);
    });

    it('throws an Error whose message starts with "url "', () => {
      expect(() => normalizeRegistryUrl('ftp://x')).toThrow(InvalidRegistryUrlError);
      expect(() => normalizeRegistryUrl('ftp://x')).toThrow(Error);
      expect(() => normalizeRegistryUrl('ftp://x')).toThrow(/^url /);
    });
  });

  describe('properties', () => {
    it('is idempotent', () => {
      fc.assert(
        fc.property(anyInput, (input) => {
          const first = outcome(input);
          if (!first.startsWith('error: ')) {
            expect(normalizeRegistryUrl(first)).toBe(first);
          }
        }),
      );
    });

    it('never returns a trailing slash, and only http(s) URLs', () => {
      fc.assert(
        fc.property(anyInput, (input) => {
          const result = outcome(input);
          if (!result.startsWith('error: ')) {
            expect(result).not.toMatch(/\/$/);
            expect(result).toMatch(/^https?:\/\/[^/]/);
          }
        }),
      );
    });

    it('ignores the case of scheme and host', () => {
      const pair = urlParts.chain((parts) =>
        fc.tuple(
          fc.constant(parts),
          fc.mixedCase(fc.constant(parts.scheme)),
          fc.mixedCase(fc.constant(parts.host)),
        ),
      );
      fc.assert(
        fc.property(pair, ([parts, mixedScheme, mixedHost]) => {
          const lower = {
            ...parts,
            scheme: parts.scheme.toLowerCase(),
            host: parts.host.toLowerCase(),
          };
          const mixed = { ...parts, scheme: mixedScheme, host: mixedHost };
          expect(outcome(assemble(mixed))).toBe(outcome(assemble(lower)));
        }),
      );
    });

    it('does not change when :443 is added to an https URL', () => {
      fc.assert(
        fc.property(urlParts, (parts) => {
          const https = { ...parts, scheme: 'https', port: undefined };
          expect(outcome(assemble({ ...https, port: 443 }))).toBe(outcome(assemble(https)));
        }),
      );
    });

    it('does not change when "/", "/v2" or "/v2/" is appended', () => {
      fc.assert(
        fc.property(
          registryUrl,
          fc.constantFrom('/', '/v2', '/v2/', '//', '/v2//'),
          (url, suffix) => {
            expect(outcome(url + suffix)).toBe(outcome(url));
          },
        ),
      );
    });

    it('rejects any user info', () => {
      const userInfo = fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/);
      fc.assert(
        fc.property(urlParts, userInfo, fc.boolean(), (parts, credentials, withScheme) => {
          const url = assemble({ ...parts, host: `${credentials}@${parts.host}` });
          const input = withScheme ? url : url.replace(/^[a-zA-Z]+:\/\//, '');
          expect(rejectionOf(input)).toBe('url must not contain user info');
        }),
      );
    });

    it('rejects any query', () => {
      const query = fc.string().filter((text) => !text.includes('#'));
      fc.assert(
        fc.property(registryUrl, query, (url, text) => {
          expect(rejectionOf(`${url}?${text}`)).toBe('url must not contain a query');
        }),
      );
    });

    it('rejects any fragment, with or without a query before it', () => {
      const query = fc.option(fc.string(), { nil: undefined });
      fc.assert(
        fc.property(registryUrl, query, fc.string(), (url, text, fragment) => {
          const withQuery = text === undefined ? url : `${url}?${text}`;
          expect(rejectionOf(`${withQuery}#${fragment}`)).toBe('url must not contain a fragment');
        }),
      );
    });
  });
});

describe('isDockerHubUrl', () => {
  it.each([
    [DOCKER_HUB_URL, true],
    ['https://docker.io', false],
    ['http://registry-1.docker.io', false],
    ['https://registry-1.docker.io/library', false],
    ['https://harbor.example.com', false],
  ])('%j → %j', (url, expected) => {
    expect(isDockerHubUrl(url)).toBe(expected);
  });

  it('recognises every normalised alias', () => {
    expect(isDockerHubUrl(normalizeRegistryUrl('index.docker.io/v1/'))).toBe(true);
  });
});

describe('isBlockedHost', () => {
  it.each([
    ['169.254.169.254', true],
    ['169.254.0.0', true],
    ['169.254.255.255', true],
    ['169.253.255.255', false],
    ['169.255.0.0', false],
    ['[fe80::1]', true],
    ['[febf:ffff::1]', true],
    ['[fec0::1]', false],
    ['[fe7f::1]', false],
    ['[::ffff:a9fe:a9fe]', true],
    ['[::a9fe:a9fe]', true],
    ['[64:ff9b::a9fe:a9fe]', true],
    ['[2002:a9fe:a9fe::]', true],
    ['[2002:a9fe:1::1]', true],
    ['[::a9fd:ffff]', false],
    ['[64:ff9b::7f00:1]', false],
    ['[2002:c000:0201::1]', false],
    ['[::ffff:7f00:1]', false],
    ['[::1]', false],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['harbor.example.com', false],
    ['169.254.169.254.example.com', false],
    ['', false],
  ])('%j → %j', (hostname, expected) => {
    expect(isBlockedHost(hostname)).toBe(expected);
  });
});
