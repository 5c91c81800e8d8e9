import {
  type ApiError,
  type CreateImageRegistryRequest,
  createImageRegistryClient,
  type ImageRegistryClient,
  type UpdateImageRegistryRequest,
} from '@image-registry-service/client';

/**
 * The admin console's calls as a page on another origin makes them. It is bundled with the packed
 * client package (not these sources) and driven step by step by the browser test; every step
 * answers plain data that crosses back out of the page.
 */

export interface Outcome<T> {
  status?: number;
  data?: T;
  /** A 4xx/5xx body, read through its type. */
  error?: { statusCode: number; error: string; messages: string[] };
  /** X-Total-Count as JavaScript reads it: null unless the service exposes it. */
  total?: string | null;
  /** What fetch threw: a request the browser refused (CORS) looks like a network failure. */
  failure?: string;
}

interface Answer<T> {
  data?: T;
  error?: ApiError;
  response: Response;
}

let client: ImageRegistryClient | undefined;

function api(): ImageRegistryClient {
  if (client === undefined) throw new Error('signIn first');
  return client;
}

function readError(error: ApiError): NonNullable<Outcome<unknown>['error']> {
  const messages = Array.isArray(error.message) ? error.message : [error.message];
  return { statusCode: error.statusCode, error: error.error, messages };
}

async function outcome<T>(
  call: () => Promise<Answer<T>>,
  headers: (response: Response) => Partial<Outcome<T>> = () => ({}),
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await call();
    return {
      status: response.status,
      data,
      error: error === undefined ? undefined : readError(error),
      ...headers(response),
    };
  } catch (thrown) {
    return { failure: String(thrown) };
  }
}

const registryConsole = {
  signIn(baseUrl: string, token: string): void {
    client = createImageRegistryClient({ baseUrl, token });
  },
  create: (body: CreateImageRegistryRequest) =>
    outcome(() => api().POST('/api/v1/image-registries', { body })),
  list: (pageNum: number, pageSize: number) =>
    outcome(
      () => api().GET('/api/v1/image-registries', { params: { query: { pageNum, pageSize } } }),
      (response) => ({ total: response.headers.get('X-Total-Count') }),
    ),
  get: (id: number) =>
    outcome(() => api().GET('/api/v1/image-registries/{id}', { params: { path: { id } } })),
  getDefault: () => outcome(() => api().GET('/api/v1/image-registries/default')),
  update: (id: number, body: UpdateImageRegistryRequest) =>
    outcome(() => api().PUT('/api/v1/image-registries/{id}', { params: { path: { id } }, body })),
  testConnection: (id: number) =>
    outcome(() => api().POST('/api/v1/image-registries/{id}/test', { params: { path: { id } } })),
  remove: (id: number) =>
    outcome(() => api().DELETE('/api/v1/image-registries/{id}', { params: { path: { id } } })),
};

export type RegistryConsole = typeof registryConsole;

Object.assign(globalThis, { registryConsole });
