import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';
export type ImageRegistry = components['schemas']['ImageRegistry'];
export type CreateImageRegistryRequest = components['schemas']['CreateImageRegistryRequest'];
export type UpdateImageRegistryRequest = components['schemas']['UpdateImageRegistryRequest'];
export type ConnectionTestResult = components['schemas']['ConnectionTestResult'];
export type ApiError = components['schemas']['ErrorResponse'];

export type ImageRegistryClient = Client<paths>;

export interface ImageRegistryClientOptions extends ClientOptions {
  /** The bearer token, or a function that returns a current one before each request. */
  token?: string | (() => string | Promise<string>);
}

/** A typed client of the image registry service, generated from its OpenAPI document. */
export function createImageRegistryClient({
  token,
  ...options
}: ImageRegistryClientOptions): ImageRegistryClient {
  const client = createClient<paths>(options);
  if (token !== undefined) client.use(bearer(token));
  return client;
}

function bearer(token: NonNullable<ImageRegistryClientOptions['token']>): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}
