import type { FastifyRequest } from 'fastify';

/** Who called, as the verified token says. */
export interface Principal {
  subject: string | undefined;
  scopes: ReadonlySet<string>;
  /** The token's `exp`, unix seconds. */
  expiresAt: number;
}

/** A request the guard has passed: `user` is its token's principal. */
export type AuthenticatedRequest = FastifyRequest & { user?: Principal };
