import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import type { Principal } from './principal';
import type { Scope } from './scopes';
import { TokenVerifier } from './token-verifier';

const BEARER = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i;

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the
 * token must grant the scopes the route requires. Failures answer with the RFC 6750 challenge.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const user = await this.authenticate(request, context);
    request.user = user;
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    const missing = required.filter((scope) => !user.scopes.has(scope));
    if (missing.length > 0) {
      challenge(context, `Bearer error="insufficient_scope", scope="${required.join(' ')}"`);
      throw new ForbiddenException(`The token lacks the scope ${missing.join(' ')}`);
    }
    return true;
  }

  private async authenticate(
    request: FastifyRequest,
    context: ExecutionContext,
  ): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined) {
      challenge(context, 'Bearer');
      throw new UnauthorizedException('A bearer token is required');
    }
    try {
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) throw new Error('not a bearer token');
      return await this.tokens.verify(token);
    } catch (error) {
      challenge(context, 'Bearer error="invalid_token"');
      throw new UnauthorizedException(tokenProblem(error));
    }
  }
}

function challenge(context: ExecutionContext, value: string): void {
  void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', value);
}

/** A short reason a caller can act on; never echoes the token. */
function tokenProblem(reason: unknown): string {
  switch ((reason as { name?: string } | undefined)?.name) {
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
