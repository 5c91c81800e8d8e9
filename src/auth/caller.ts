import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from './principal';

/** Who made a request, as the audit trail records it. */
export interface Caller {
  /** The token's `sub`; null when it has none. */
  actor: string | null;
  requestId: string;
}

/** The `sub` of the token the request was served for; undefined without a verified one. */
export function verifiedSubject(request: FastifyRequest): string | undefined {
  return (request as AuthenticatedRequest).user?.subject;
}

/** The caller of a route guarded by a token. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return { actor: verifiedSubject(request) ?? null, requestId: request.id };
  },
);
