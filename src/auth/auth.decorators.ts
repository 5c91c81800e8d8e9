import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiErrorResponses } from '../docs/api-responses';
import type { Scope } from './scopes';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
export const BEARER_SCHEME = 'bearer';
/** The OpenAPI extension that carries an operation's scopes into its documentation. */
export const SCOPES_EXTENSION = 'x-required-scopes';

/** The route needs no token (health checks only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The route needs a bearer token granting every one of these scopes; the OpenAPI document says
 * so, with the 401 and 403 answers that follow from it.
 */
export function RequireScopes(...scopes: [Scope, ...Scope[]]): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension(SCOPES_EXTENSION, scopes),
    ApiErrorResponses(401, 403),
  );
}
