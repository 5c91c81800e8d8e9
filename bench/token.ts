import { createHmac } from 'node:crypto';

export const READ_WRITE_SCOPE = 'registries:read registries:write';
export const CREDENTIALS_SCOPE = 'registries:credentials';

/** An HS256 token as the service's own `npm run token` issues it: sub, scope, iat, exp. */
export function signToken(secret: string, scope: string, lifetimeSeconds = 3_600): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    scope,
    sub: 'bench',
    iat: now,
    exp: now + lifetimeSeconds,
  })}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
