import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Scope } from './scopes';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
export const BEARER_SCHEME = 'bearer';

/** The route needs no token (health checks only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The route needs a bearer token granting every one of these scopes. */
export function RequireScopes(...scopes: [Scope, ...Scope[]]): MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ApiBearerAuth(BEARER_SCHEME));
}
