import {
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import type { Principal } from './principal';
import type { Scope } from './scopes';

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the
 * token must grant the scopes the route requires. Failures answer with the RFC 6750 challenge.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(context);
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    const { user } = context.switchToHttp().getRequest<Request & { user: Principal }>();
    const missing = required.filter((scope) => !user.scopes.has(scope));
    if (missing.length > 0) {
      challenge(context, `Bearer error="insufficient_scope", scope="${required.join(' ')}"`);
      throw new ForbiddenException(`The token lacks the scope ${missing.join(' ')}`);
    }
    return true;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error === null && user !== false && user !== undefined) return user;
    const hasToken =
      context.switchToHttp().getRequest<Request>().headers.authorization !== undefined;
    challenge(context, hasToken ? 'Bearer error="invalid_token"' : 'Bearer');
    throw new UnauthorizedException(
      hasToken ? tokenProblem(error ?? info) : 'A bearer token is required',
    );
  }
}

function challenge(context: ExecutionContext, value: string): void {
  context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', value);
}

/** A short reason a caller can act on; never echoes the token. */
function tokenProblem(reason: unknown): string {
  const name = (reason as { name?: string } | undefined)?.name;
  switch (name) {
    case 'TokenExpiredError':
      return 'The bearer token has expired';
    case 'NotBeforeError':
      return 'The bearer token is not valid yet';
    case 'TokenWithoutExpiryError':
      return 'The bearer token has no expiry (exp)';
    default:
      return 'The bearer token is invalid';
  }
}
