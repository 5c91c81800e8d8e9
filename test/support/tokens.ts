import { sign, type SignOptions } from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'e2e-test-secret-0123456789abcdefghijklmnop';

export const READ = 'registries:read';
export const WRITE = 'registries:write';
export const CREDENTIALS = 'registries:credentials';

export function token(scope: string, options: SignOptions = {}, claims: object = {}): string {
  return sign({ scope, ...claims }, TEST_JWT_SECRET, {
    algorithm: 'HS256',
    expiresIn: '5m',
    subject: 'e2e-tester',
    ...options,
  });
}

export const bearer = (scope: string): string => `Bearer ${token(scope)}`;
