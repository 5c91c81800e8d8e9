import {
  BadRequestException,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import { authorizationHeaderCount, bearerToken, MAX_TOKEN_BYTES } from './bearer-token';
import { JWT_STRATEGY } from './jwt.strategy';
import type { AuthenticatedRequest, Principal } from './principal';
import type { Scope } from './scopes';
import { VerifiedTokens } from './verified-tokens';

/** What a route's decorators ask of its callers. */
interface RouteRequirement {
  isPublic: boolean;
  scopes: readonly Scope[];
}

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the
 * token must grant the scopes the route requires. Tokens are verified by the passport-jwt
 * strategy; one already verified is taken from VerifiedTokens. Failures answer with the RFC 6750
 * challenge, never with passport's bare "Unauthorized". A request with a body was authenticated
 * on arrival (`authenticateOnArrival`), before its body was read: its principal is on it already.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  private readonly requirements = new WeakMap<object, WeakMap<object, RouteRequirement>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifiedTokens: VerifiedTokens,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.requirementOf(context);
    if (requirement.isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = request.user ?? (await this.authenticate(request, context));
    const missing = requirement.scopes.filter((scope) => !user.scopes.has(scope));
    if (missing.length > 0) {
      challenge(
        context,
        `Bearer error="insufficient_scope", scope="${requirement.scopes.join(' ')}"`,
      );
      throw new ForbiddenException(`The token lacks the scope ${missing.join(' ')}`);
    }
    return true;
  }

  /**
   * What the route's decorators ask, read once per controller and handler: decorators are fixed
   * when the classes are defined, and reading their metadata is a walk of prototype chains.
   */
  private requirementOf(context: ExecutionContext): RouteRequirement {
    const controller = context.getClass();
    const handler = context.getHandler();
    let handlers = this.requirements.get(controller);
    if (handlers === undefined) {
      handlers = new WeakMap();
      this.requirements.set(controller, handlers);
    }
    let requirement = handlers.get(handler);
    if (requirement === undefined) {
      const targets = [handler, controller];
      requirement = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        scopes: this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [],
      };
      handlers.set(handler, requirement);
    }
    return requirement;
  }

  /**
   * The same verification outside a route's pipeline, for a request whose route has not run yet;
   * failures are thrown as the guard throws them, with the challenge set on `reply`.
   */
  authenticateOnArrival(request: AuthenticatedRequest, reply: FastifyReply): Promise<Principal> {
    return this.authenticate(request, new ExecutionContextHost([request, reply]));
  }

  /** Passport's verdict, turned into this API's 401s; `user` is the strategy's Principal. */
  override handleRequest<TUser = Principal>(
    error: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (!error && user) return user;
    if (context.switchToHttp().getRequest<FastifyRequest>().headers.authorization === undefined) {
      challenge(context, 'Bearer');
      throw new UnauthorizedException('A bearer token is required');
    }
    challenge(context, 'Bearer error="invalid_token"');
    throw new UnauthorizedException(tokenProblem(error ?? info));
  }

  private async authenticate(
    request: AuthenticatedRequest,
    context: ExecutionContext,
  ): Promise<Principal> {
    if (authorizationHeaderCount(request) > 1) {
      challenge(context, 'Bearer error="invalid_request"');
      throw new BadRequestException('Send one Authorization header, not several');
    }
    const token = bearerToken(request);
    if (token !== null && token.length > MAX_TOKEN_BYTES) {
      challenge(context, 'Bearer error="invalid_token"');
      throw new UnauthorizedException(`The bearer token is larger than ${MAX_TOKEN_BYTES} bytes`);
    }
    const remembered = token === null ? undefined : this.verifiedTokens.get(token);
    if (remembered !== undefined) {
      request.user = remembered;
      return remembered;
    }
    await super.canActivate(context);
    const user = request.user!;
    this.verifiedTokens.remember(token!, user);
    return user;
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
