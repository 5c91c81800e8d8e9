import 'reflect-metadata';
import { ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { IS_PUBLIC, REQUIRED_SCOPES } from './auth.decorators';
import { JwtAuthGuard } from './jwt-auth.guard';
import type { Principal } from './principal';
import { Scope } from './scopes';
import { VerifiedTokens } from './verified-tokens';

const reader: Principal = { subject: 'reader', scopes: new Set([Scope.Read]), expiresAt: 0 };

/** A request the arrival check has authenticated already: the guard checks its scopes only. */
function contextFor(controller: object, handler: () => void): ExecutionContextHost {
  const reply = { header: () => reply };
  return new ExecutionContextHost([{ user: reader }, reply], controller as never, handler);
}

describe('JwtAuthGuard route requirements', () => {
  const guard = new JwtAuthGuard(new Reflector(), new VerifiedTokens());

  it('reads each controller’s requirement of a shared handler on its own', async () => {
    function write(): void {}
    Reflect.defineMetadata(REQUIRED_SCOPES, [Scope.Write], write);
    class OpenController {}
    Reflect.defineMetadata(IS_PUBLIC, true, OpenController);
    class GuardedController {}

    // The first answer must not be remembered for the other controller, in either order.
    await expect(guard.canActivate(contextFor(OpenController, write))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor(GuardedController, write))).rejects.toThrow(
      ForbiddenException,
    );
    await expect(guard.canActivate(contextFor(OpenController, write))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor(GuardedController, write))).rejects.toThrow(
      'The token lacks the scope registries:write',
    );
  });

  it('gives the same answer every time for the same route', async () => {
    function read(): void {}
    Reflect.defineMetadata(REQUIRED_SCOPES, [Scope.Read], read);
    class ReadController {}
    for (let call = 0; call < 3; call += 1) {
      await expect(guard.canActivate(contextFor(ReadController, read))).resolves.toBe(true);
    }
  });
});
