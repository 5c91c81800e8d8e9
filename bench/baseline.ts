/**
 * The baseline: the registry API's list, get, create and update on plain node:http and a mysql2
 * pool, written as a careful hand would — the floor this stack can reach on this machine, not a
 * straw man. Same environment variables, same token checks (HS256 with a KeyObject, exp/nbf with
 * 30 s leeway, scopes), the SQL a hand would choose — prepared statements (mysql2 `execute`,
 * about 30% faster here than `query`), page and `COUNT(*)` in parallel — the same JSON bytes, the
 * same AES-256-GCM storage format, the same work per write: the version, and the audit event in
 * the write's transaction (CONTRACT §10, §11), with ETag and X-Request-Id on the answers. Not
 * covered: RS256/JWKS, issuer/audience, the 10 s query deadline, Docker Hub URL aliases (URLs are
 * normalised minimally), If-Match, the other endpoints.
 */
import {
  createCipheriv,
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import {
  createPool,
  type Pool,
  type PoolConnection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';

const API = '/api/v1/image-registries';
const READ = 'registries:read';
const WRITE = 'registries:write';
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ID = 2 ** 31 - 1;
const MAX_TRANSACTION_ATTEMPTS = 10;
const KEY_ID_LABEL = 'image-registry-service/encryption-key-id/v1\0';
const COLUMNS =
  'id, name, url, username, is_default, description, insecure, ca_certificate, created_at, updated_at, version';

/** The fields an event names, in the contract's order, with their columns. */
const EVENT_FIELDS = [
  ['name', 'name'],
  ['url', 'url'],
  ['username', 'username'],
  ['password', 'password'],
  ['default', 'is_default'],
  ['description', 'description'],
  ['insecure', 'insecure'],
  ['ca_certificate', 'ca_certificate'],
] as const;

/** What a created registry's event leaves out: the columns still at their default. */
const COLUMN_DEFAULTS: Partial<Record<string, ColumnValue>> = {
  username: null,
  password: null,
  is_default: null,
  description: '',
  insecure: 0,
  ca_certificate: null,
};

const INSERT_EVENT =
  'INSERT INTO image_registry_events (at, action, registry_id, registry_name, registry_url, actor, changes, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/** Who asked, for the audit events. */
interface Caller {
  actor: string | null;
  requestId: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(Array.isArray(detail) ? detail.join('; ') : detail);
  }
}

const badRequest = (problems: string[]): HttpError => new HttpError(400, problems);
const notFound = (id: number): HttpError => new HttpError(404, `Image registry ${id} not found`);

// ---------------------------------------------------------------- configuration

interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  poolSize: number;
  jwtKey: KeyObject;
  cipher: PasswordCipher;
}

function loadConfig(env: NodeJS.ProcessEnv): Config {
  const secret = env.JWT_SECRET ?? '';
  if (secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl.startsWith('mysql://')) throw new Error('DATABASE_URL must be mysql://…');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    poolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
    jwtKey: createSecretKey(Buffer.from(secret, 'utf8')),
    cipher: new PasswordCipher(env.ENCRYPTION_KEY ?? ''),
  };
}

// ---------------------------------------------------------------- tokens

interface Claims {
  sub?: unknown;
  exp?: unknown;
  nbf?: unknown;
  scope?: unknown;
}

/** Verifies the bearer token (HS256 only) and the scope the route needs; answers its `sub`. */
function authorize(header: string | undefined, scope: string, key: KeyObject): string | null {
  if (header === undefined) {
    throw new HttpError(401, 'A bearer token is required', { 'WWW-Authenticate': 'Bearer' });
  }
  const claims = verifyHs256(/^bearer\s+(\S+)$/i.exec(header.trim())?.[1], key);
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes(scope) && !(scope === READ && scopes.includes(WRITE))) {
    throw new HttpError(403, `The token lacks the scope ${scope}`, {
      'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
    });
  }
  return typeof claims.sub === 'string' ? claims.sub : null;
}

function verifyHs256(token: string | undefined, key: KeyObject): Claims {
  const invalid = (reason = 'The bearer token is invalid'): HttpError =>
    new HttpError(401, reason, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  const parts = token?.split('.') ?? [];
  if (parts.length !== 3) throw invalid();
  const [header, payload, signature] = parts;
  if (decodeJsonObject(header)?.alg !== 'HS256') throw invalid();
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  if (!constantTimeEqual(expected, signature)) throw invalid();
  const claims: Claims | undefined = decodeJsonObject(payload);
  if (claims === undefined) throw invalid();
  const now = Math.floor(Date.now() / 1000);
  if (claims.exp === undefined) throw invalid('The bearer token has no expiry (exp)');
  if (typeof claims.exp !== 'number') throw invalid();
  if (now >= claims.exp + CLOCK_TOLERANCE_SECONDS) throw invalid('The bearer token has expired');
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== 'number') throw invalid();
    if (claims.nbf > now + CLOCK_TOLERANCE_SECONDS) {
      throw invalid('The bearer token is not valid yet');
    }
  }
  return claims;
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---------------------------------------------------------------- password encryption

/** AES-256-GCM, stored as `v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>` with `v1:<keyId>` as AAD. */
class PasswordCipher {
  private readonly key: KeyObject;
  private readonly keyId: string;
  private readonly aad: Buffer;

  constructor(base64Key: string) {
    const bytes = Buffer.from(base64Key, 'base64');
    if (bytes.length !== 32 || bytes.toString('base64') !== base64Key) {
      throw new Error('ENCRYPTION_KEY must be base64 of exactly 32 bytes');
    }
    const digest = createHash('sha256').update(KEY_ID_LABEL, 'utf8').update(bytes).digest();
    this.keyId = digest.subarray(0, 8).toString('hex');
    this.key = createSecretKey(bytes);
    this.aad = Buffer.from(`v1:${this.keyId}`, 'utf8');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 });
    cipher.setAAD(this.aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
    return `v1:${this.keyId}:${payload}`;
  }
}

// ---------------------------------------------------------------- validation

interface RegistryInput {
  name?: string;
  url?: string;
  username?: string | null;
  password?: string | null;
  default?: boolean;
  description?: string;
  insecure?: boolean;
  ca_certificate?: string | null;
}

type FieldCheck = (value: unknown, problems: string[]) => unknown;

/** Characters as the database counts them (code points); only long strings need counting. */
function fitsIn(value: string, max: number): boolean {
  return value.length <= max || [...value].length <= max;
}

function text(
  field: string,
  max: number,
  options: { nullable: boolean; trim?: boolean },
): FieldCheck {
  return (value, problems) => {
    if (value === null && options.nullable) return null;
    if (typeof value !== 'string') return void problems.push(`${field} must be a string`);
    const result = options.trim === true ? value.trim() : value;
    if (!fitsIn(result, max)) problems.push(`${field} must be at most ${max} characters`);
    return result;
  };
}

function nonEmpty(field: string, check: FieldCheck): FieldCheck {
  return (value, problems) => {
    const result = check(value, problems);
    if (result === '') problems.push(`${field} must not be empty`);
    return result;
  };
}

const boolean =
  (field: string): FieldCheck =>
  (value, problems) =>
    typeof value === 'boolean' ? value : void problems.push(`${field} must be a boolean`);

const FIELDS: Record<keyof RegistryInput, FieldCheck> = {
  name: nonEmpty('name', text('name', 100, { nullable: false, trim: true })),
  url: (value, problems) => {
    if (typeof value !== 'string') return void problems.push('url must be a string');
    try {
      return normalizeUrl(value);
    } catch (error) {
      return void problems.push((error as Error).message);
    }
  },
  username: nonEmpty('username', text('username', 255, { nullable: true })),
  password: nonEmpty('password', text('password', 8192, { nullable: true })),
  default: boolean('default'),
  description: text('description', 500, { nullable: false }),
  insecure: boolean('insecure'),
  ca_certificate: (value, problems) => {
    const pem = text('ca_certificate', 64 * 1024, { nullable: true })(value, problems);
    if (typeof pem === 'string' && !arePemCertificates(pem)) {
      problems.push('ca_certificate must be one or more PEM-encoded X.509 certificates');
    }
    return pem;
  },
};

function validate(body: Record<string, unknown>, mode: 'create' | 'update'): RegistryInput {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    const check = FIELDS[field as keyof RegistryInput] as FieldCheck | undefined;
    if (check === undefined) problems.push(`property ${field} should not exist`);
    else if (value !== undefined) input[field] = check(value, problems);
  }
  if (mode === 'create') {
    if (body.name === undefined) problems.push('name must be a string');
    if (body.url === undefined) problems.push('url must be a string');
  }
  if (problems.length > 0) throw badRequest(problems);
  return input; // every value is what its field's check returned
}

/** Minimal normalisation: https:// by default, http(s) only, no user info, query or fragment. */
function normalizeUrl(input: string): string {
  const trimmed = input.trim();
  const raw = trimmed.includes('://') ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('url is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('url must use http or https');
  }
  if (url.username !== '' || url.password !== '') throw new Error('url must not contain user info');
  if (raw.includes('?') || raw.includes('#')) {
    throw new Error('url must not contain a query or a fragment');
  }
  if (/^(169\.254\.|\[fe[89ab])/.test(url.hostname)) {
    throw new Error('url must not point to a link-local or metadata address');
  }
  const normalized = `${url.protocol}//${url.host}${url.pathname.replace(/(\/v2|\/)+$/, '')}`;
  if (normalized.length > 512) throw new Error('url must be at most 512 characters');
  return normalized;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

function arePemCertificates(pem: string): boolean {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0 || pem.replace(PEM_CERTIFICATE, '').trim() !== '') return false;
  try {
    blocks.forEach((block) => new X509Certificate(block));
    return true;
  } catch {
    return false;
  }
}

function parseId(text: string): number {
  const id = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  if (!(id <= MAX_ID)) throw badRequest([`id must be an integer from 1 to ${MAX_ID}`]);
  return id;
}

function pageParameter(
  query: URLSearchParams,
  name: string,
  fallback: number,
  max: number,
): number {
  const values = query.getAll(name);
  if (values.length === 0) return fallback;
  const value = values.length === 1 && /^[0-9]+$/.test(values[0]) ? Number(values[0]) : NaN;
  if (!Number.isInteger(value)) throw badRequest([`${name} must be an integer number`]);
  if (value < 1) throw badRequest([`${name} must not be less than 1`]);
  if (value > max) throw badRequest([`${name} must not be greater than ${max}`]);
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}

// ---------------------------------------------------------------- rows and JSON

interface RegistryRow extends RowDataPacket {
  id: number;
  name: string;
  url: string;
  username: string | null;
  is_default: number | null;
  description: string;
  insecure: number;
  ca_certificate: string | null;
  created_at: number | string;
  updated_at: number | string;
  version: number;
}

/** The service's response shape, key for key in the same order. */
function toJson(row: RegistryRow): string {
  return JSON.stringify({
    id: row.id,
    name: row.name,
    url: row.url,
    username: row.username,
    default: row.is_default === 1,
    description: row.description,
    insecure: row.insecure === 1,
    ca_certificate: row.ca_certificate,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  });
}

type ColumnValue = string | number | null;

interface MysqlError {
  errno?: number;
  code?: string;
  sqlMessage?: string;
}

/** The column a duplicate-key error is about: name_key, url or default. */
function duplicateOf(error: unknown): string | undefined {
  const { errno, sqlMessage } = error as MysqlError;
  return errno === 1062 ? /UQ_image_registries_(\w+)/.exec(sqlMessage ?? '')?.[1] : undefined;
}

// ---------------------------------------------------------------- handlers

/** A registry answer: its JSON and the strong validator of its version. */
interface Versioned {
  body: string;
  etag: string;
}

const versioned = (row: RegistryRow): Versioned => ({
  body: toJson(row),
  etag: `"${row.version}"`,
});

/**
 * The SQL a hand writes against the service's schema: the total is `COUNT(*)`, and each write is
 * one transaction with its audit events. The schema's count row (the service reads its total from
 * it) is kept exact on insert, as every writer of this schema must; it is never read here.
 */
class Registries {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: PasswordCipher,
  ) {}

  async list(query: URLSearchParams): Promise<{ body: string; total: number }> {
    const pageNum = pageParameter(query, 'pageNum', 1, Number.MAX_SAFE_INTEGER);
    const pageSize = pageParameter(query, 'pageSize', 10, 100);
    const offset = Math.min((pageNum - 1) * pageSize, Number.MAX_SAFE_INTEGER);
    // Two connections at once: the page and the count do not wait for each other.
    const [[rows], [counts]] = await Promise.all([
      this.pool.execute<RegistryRow[]>(
        `SELECT ${COLUMNS} FROM image_registries ORDER BY id LIMIT ? OFFSET ?`,
        [pageSize, offset],
      ),
      this.pool.execute<RowDataPacket[]>('SELECT COUNT(*) AS total FROM image_registries'),
    ]);
    return { body: `[${rows.map(toJson).join(',')}]`, total: Number(counts[0].total) };
  }

  async get(id: number): Promise<Versioned> {
    const [rows] = await this.pool.execute<RegistryRow[]>(
      `SELECT ${COLUMNS} FROM image_registries WHERE id = ?`,
      [id],
    );
    if (rows.length === 0) throw notFound(id);
    return versioned(rows[0]);
  }

  async create(body: Record<string, unknown>, caller: Caller): Promise<Versioned> {
    const input = validate(body, 'create');
    const name = input.name as string;
    if (input.password != null && input.username == null) {
      throw badRequest(['password requires a username']);
    }
    const now = Math.floor(Date.now() / 1000);
    const row = {
      name,
      url: input.url as string,
      username: input.username ?? null,
      is_default: input.default === true ? 1 : null,
      description: input.description ?? '',
      insecure: input.insecure === true ? 1 : 0,
      ca_certificate: input.ca_certificate ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const password = input.password == null ? null : this.cipher.encrypt(input.password);
    const stored = { ...row, password };
    const changes = EVENT_FIELDS.filter(
      ([, column]) => !(column in COLUMN_DEFAULTS) || stored[column] !== COLUMN_DEFAULTS[column],
    ).map(([field]) => field);
    const id = await this.writeUnique(input, () =>
      this.transaction(async (connection) => {
        if (row.is_default !== null) await this.clearDefault(connection, caller, now);
        const [result] = await connection.execute<ResultSetHeader>(
          'INSERT INTO image_registries (name, name_key, url, username, password, is_default, description, insecure, ca_certificate, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            row.name,
            name.toLowerCase(),
            row.url,
            row.username,
            password,
            row.is_default,
            row.description,
            row.insecure,
            row.ca_certificate,
            now,
            now,
            1,
          ],
        );
        await connection.execute('UPDATE image_registry_count SET total = total + 1 WHERE id = 1');
        await connection.execute(INSERT_EVENT, [
          now,
          'created',
          result.insertId,
          row.name,
          row.url,
          caller.actor,
          changes.join(','),
          caller.requestId,
        ]);
        return result.insertId;
      }),
    );
    return versioned({ id, ...row } as RegistryRow);
  }

  async update(id: number, body: Record<string, unknown>, caller: Caller): Promise<Versioned> {
    const input = validate(body, 'update');
    const now = Math.floor(Date.now() / 1000);
    const row = await this.writeUnique(input, () =>
      this.transaction(async (connection) => {
        const [rows] = await connection.execute<(RegistryRow & { has_password: number })[]>(
          `SELECT ${COLUMNS}, password IS NOT NULL AS has_password FROM image_registries WHERE id = ? FOR UPDATE`,
          [id],
        );
        if (rows.length === 0) return undefined;
        const { has_password: hasPassword, ...current } = rows[0];
        const changes = this.changesFor(current, input);
        if (changes.is_default === 1 && current.is_default !== 1) {
          await this.clearDefault(connection, caller, now);
        }
        changes.version = current.version + 1;
        const columns = Object.keys(changes);
        await connection.execute(
          `UPDATE image_registries SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
          [...Object.values(changes), id],
        );
        const changed = EVENT_FIELDS.filter(([field, column]) =>
          field === 'password'
            ? changes.password !== undefined && (changes.password !== null || hasPassword === 1)
            : changes[column] !== undefined &&
              changes[column] !== current[column as keyof typeof current],
        ).map(([field]) => field);
        const updated = { ...current, ...changes };
        await connection.execute(INSERT_EVENT, [
          now,
          'updated',
          id,
          updated.name,
          updated.url,
          caller.actor,
          changed.join(','),
          caller.requestId,
        ]);
        return updated;
      }),
    );
    if (row === undefined) throw notFound(id);
    return versioned(row);
  }

  /** The default moves: the registry that had it gets a new version and its own event. */
  private async clearDefault(
    connection: PoolConnection,
    caller: Caller,
    now: number,
  ): Promise<void> {
    const [rows] = await connection.execute<RegistryRow[]>(
      'SELECT id, name, url FROM image_registries WHERE is_default = 1 FOR UPDATE',
    );
    if (rows.length === 0) return;
    await connection.execute(
      'UPDATE image_registries SET is_default = NULL, version = version + 1 WHERE id = ?',
      [rows[0].id],
    );
    await connection.execute(INSERT_EVENT, [
      now,
      'updated',
      rows[0].id,
      rows[0].name,
      rows[0].url,
      caller.actor,
      'default',
      caller.requestId,
    ]);
  }

  /** The contract's partial-update rules, as column → value (column names are fixed here). */
  private changesFor(current: RegistryRow, input: RegistryInput): Record<string, ColumnValue> {
    const changes: Record<string, ColumnValue> = { updated_at: Math.floor(Date.now() / 1000) };
    if (input.name !== undefined) {
      changes.name = input.name;
      changes.name_key = input.name.toLowerCase();
    }
    if (input.url !== undefined) {
      changes.url = input.url;
      if (input.url !== current.url && input.password === undefined) changes.password = null;
    }
    if (input.username !== undefined) {
      changes.username = input.username;
      if (input.username === null) changes.password = null;
    }
    if (input.password !== undefined) {
      const username = input.username !== undefined ? input.username : current.username;
      if (input.password !== null && username === null) {
        throw badRequest(['password requires a username']);
      }
      changes.password = input.password === null ? null : this.cipher.encrypt(input.password);
    }
    if (input.default !== undefined) changes.is_default = input.default ? 1 : null;
    if (input.description !== undefined) changes.description = input.description;
    if (input.insecure !== undefined) changes.insecure = input.insecure ? 1 : 0;
    if (input.ca_certificate !== undefined) changes.ca_certificate = input.ca_certificate;
    return changes;
  }

  /** A transaction, run again when it loses a race (deadlock, lock wait, default taken). */
  private async transaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const connection = await this.pool.getConnection();
      try {
        await connection.beginTransaction();
        const result = await work(connection);
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        const { errno } = error as MysqlError;
        const transient = errno === 1213 || errno === 1205 || duplicateOf(error) === 'default';
        if (!transient || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      } finally {
        connection.release();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }

  private async writeUnique<T>(input: RegistryInput, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const column = duplicateOf(error);
      if (column === 'name_key') {
        throw new HttpError(409, `An image registry named "${input.name}" already exists`);
      }
      if (column === 'url') {
        throw new HttpError(409, `An image registry with the URL ${input.url} already exists`);
      }
      throw error;
    }
  }
}

// ---------------------------------------------------------------- HTTP

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | number> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function sendError(response: ServerResponse, error: HttpError): void {
  const body = {
    statusCode: error.status,
    error: STATUS_CODES[error.status],
    message: error.detail,
  };
  send(response, error.status, JSON.stringify(body), error.headers);
}

/** The JSON object body (up to 1 MiB); no body reads as {}. */
async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    throw new HttpError(413, 'The request body exceeds 1 MiB');
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) throw new HttpError(413, 'The request body exceeds 1 MiB');
    chunks.push(chunk);
  }
  if (length === 0) return {};
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(request.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'Request bodies must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks, length).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(['request body must be a JSON object']);
  }
  return value as Record<string, unknown>;
}

function isDatabaseUnavailable(error: unknown): boolean {
  const { code } = error as MysqlError;
  return (
    code !== undefined &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|PROTOCOL_CONNECTION_LOST|ER_CON_COUNT_ERROR)$/.test(code)
  );
}

/** The caller's X-Request-Id when it is 1–128 characters of [A-Za-z0-9._:-], else a new UUID. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

function createHandler(
  config: Config,
  pool: Pool,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const registries = new Registries(pool, config.cipher);
  const route = async (
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
  ): Promise<void> => {
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const method = request.method ?? 'GET';
    const auth = request.headers.authorization;
    if (path === '/health' && method === 'GET') return send(response, 200, '{"status":"ok"}');
    if (path === '/health/ready' && method === 'GET') {
      await pool.query('SELECT 1');
      const up = '{"database":{"status":"up"}}';
      return send(response, 200, `{"status":"ok","info":${up},"error":{},"details":${up}}`);
    }
    if (path === API && method === 'GET') {
      authorize(auth, READ, config.jwtKey);
      const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
      const page = await registries.list(query);
      return send(response, 200, page.body, { 'X-Total-Count': page.total });
    }
    if (path === API && method === 'POST') {
      const caller = { actor: authorize(auth, WRITE, config.jwtKey), requestId };
      const created = await registries.create(await readJsonBody(request), caller);
      return send(response, 201, created.body, { ETag: created.etag });
    }
    if (path.startsWith(`${API}/`) && !path.includes('/', API.length + 1)) {
      const idText = path.slice(API.length + 1);
      if (method === 'GET') {
        authorize(auth, READ, config.jwtKey);
        const registry = await registries.get(parseId(idText));
        return send(response, 200, registry.body, { ETag: registry.etag });
      }
      if (method === 'PUT') {
        const caller = { actor: authorize(auth, WRITE, config.jwtKey), requestId };
        const id = parseId(idText);
        const updated = await registries.update(id, await readJsonBody(request), caller);
        return send(response, 200, updated.body, { ETag: updated.etag });
      }
    }
    throw new HttpError(404, `Cannot ${method} ${path}`);
  };
  return async (request, response) => {
    const requestId = requestIdOf(request);
    response.setHeader('X-Request-Id', requestId);
    try {
      await route(request, response, requestId);
    } catch (error) {
      if (response.headersSent) return void response.destroy();
      if (error instanceof HttpError) return sendError(response, error);
      if (isDatabaseUnavailable(error)) {
        return sendError(
          response,
          new HttpError(503, 'The database is unavailable; try again shortly'),
        );
      }
      console.error(error);
      sendError(response, new HttpError(500, 'Internal server error'));
    }
  };
}

function main(): void {
  const config = loadConfig(process.env);
  const pool = createPool({
    uri: config.databaseUrl,
    connectionLimit: config.poolSize,
    maxIdle: config.poolSize,
    enableKeepAlive: true,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 10_000,
  });
  const handler = createHandler(config, pool);
  const server = createServer((request, response) => void handler(request, response));
  server.listen(config.port, config.host, () =>
    console.log(`Baseline listening on ${config.host}:${config.port}`),
  );
  const shutdown = (): void => {
    server.close();
    server.closeAllConnections();
    pool.end().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

try {
  main();
} catch (error) {
  console.error(`Baseline failed to start: ${String(error)}`);
  process.exit(1);
}
