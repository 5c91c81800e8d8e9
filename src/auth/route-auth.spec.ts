import 'reflect-metadata';
import {
  Controller,
  type DynamicModule,
  type ForwardReference,
  forwardRef,
  Get,
  Module,
  Post,
  RequestMethod,
  type Type,
} from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { AppModule } from '../app.module';
import type { AppConfig } from '../config/app-config';
import { HealthController } from '../health/health.controller';
import { ImageRegistriesController } from '../registries/image-registries.controller';
import { IS_PUBLIC, Public, REQUIRED_SCOPES, RequireScopes } from './auth.decorators';
import { Scope } from './scopes';

type ModuleEntry = Type | DynamicModule | ForwardReference | Promise<DynamicModule>;

interface Route {
  controller: Type;
  handler: string;
  description: string;
  isPublic: boolean;
  scopes: unknown;
}

const moduleMetadata = <T>(key: string, module: Type): T[] =>
  (Reflect.getMetadata(key, module) as T[] | undefined) ?? [];

/**
 * Every controller the application serves: those of AppModule's imports, followed through their
 * own imports (static @Module metadata and the dynamic modules' `imports`/`controllers`).
 */
function discoverControllers(root: DynamicModule): Type[] {
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (entry: ModuleEntry): void => {
    if (entry instanceof Promise) throw new Error('async module imports are not walked');
    const resolved = 'forwardRef' in entry ? (entry.forwardRef as () => ModuleEntry)() : entry;
    if (seen.has(resolved)) return;
    seen.add(resolved);
    const dynamic = 'module' in resolved ? resolved : undefined;
    const moduleClass = dynamic?.module ?? (resolved as Type);
    [
      ...moduleMetadata<Type>(MODULE_METADATA.CONTROLLERS, moduleClass),
      ...(dynamic?.controllers ?? []),
    ].forEach((controller) => controllers.add(controller));
    [
      ...moduleMetadata<ModuleEntry>(MODULE_METADATA.IMPORTS, moduleClass),
      ...((dynamic?.imports ?? []) as ModuleEntry[]),
    ].forEach(visit);
  };
  visit(root);
  return [...controllers];
}

function routesOf(controller: Type): Route[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const controllerPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
  return new MetadataScanner()
    .getAllMethodNames(prototype)
    .map((handler) => ({ handler, method: prototype[handler] as object }))
    .filter(({ method }) => Reflect.getMetadata(PATH_METADATA, method) !== undefined)
    .map(({ handler, method }) => {
      const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, method) as number];
      const path = Reflect.getMetadata(PATH_METADATA, method) as string | string[];
      return {
        controller,
        handler,
        description: `${controller.name}.${handler} (${verb} ${String(path)})`,
        isPublic: controllerPublic || Reflect.getMetadata(IS_PUBLIC, method) === true,
        scopes: Reflect.getMetadata(REQUIRED_SCOPES, method) as unknown,
      };
    });
}

const KNOWN_SCOPES: unknown[] = Object.values(Scope);
const declaresScopes = ({ scopes }: Route): boolean =>
  Array.isArray(scopes) && scopes.length > 0 && scopes.every((s) => KNOWN_SCOPES.includes(s));

/** The routes the global guard would let through with any valid token, or none at all. */
const unguarded = (routes: Route[]): string[] =>
  routes.filter((route) => !route.isPublic && !declaresScopes(route)).map((r) => r.description);

// Fixtures proving that the checks below can fail.
@Controller('fixture')
class FixtureController {
  @Get('scoped')
  @RequireScopes(Scope.Read)
  scoped(): void {}

  @Get('open')
  @Public()
  open(): void {}

  @Post('forgotten')
  forgotten(): void {}

  notARoute(): void {}
}

@Module({ controllers: [FixtureController] })
class FixtureFeatureModule {}

@Module({})
class FixtureRootModule {}

describe('route authorization metadata', () => {
  // forRoot only hands the configuration to a provider; nothing is started here.
  const controllers = discoverControllers(AppModule.forRoot({} as AppConfig));
  const routes = controllers.flatMap(routesOf);

  it('discovers the application controllers and their routes', () => {
    expect(controllers).toEqual(
      expect.arrayContaining([HealthController, ImageRegistriesController]),
    );
    for (const controller of [HealthController, ImageRegistriesController]) {
      expect(routes.some((route) => route.controller === controller)).toBe(true);
    }
  });

  it('finds routes through dynamic and forward-referenced imports, and flags unguarded ones', () => {
    const root = {
      module: FixtureRootModule,
      imports: [forwardRef(() => FixtureFeatureModule)],
    };
    const fixtureRoutes = discoverControllers(root).flatMap(routesOf);
    expect(fixtureRoutes.map((route) => route.handler).sort()).toEqual([
      'forgotten',
      'open',
      'scoped',
    ]);
    expect(unguarded(fixtureRoutes)).toEqual(['FixtureController.forgotten (POST forgotten)']);
  });

  it('gives every route either required scopes or @Public()', () => {
    expect(unguarded(routes)).toEqual([]);
  });

  it('never marks a route both public and scoped (the scopes would be ignored)', () => {
    const ambiguous = routes.filter((route) => route.isPublic && route.scopes !== undefined);
    expect(ambiguous.map((route) => route.description)).toEqual([]);
  });

  it('makes only the health routes public', () => {
    const publicControllers = new Set(
      routes.filter((route) => route.isPublic).map((route) => route.controller),
    );
    expect([...publicControllers]).toEqual([HealthController]);
  });
});
