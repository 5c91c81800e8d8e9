import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShutdownConfig } from '../config/app-config';
import { ShutdownState } from '../health/shutdown-state';
import { ConnectionDrainer } from './connection-drainer';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * What SIGTERM and SIGINT do (CONTRACT §11): readiness 503 at once and every answer closing its
 * connection; `delayMs` more of serving (a load balancer stops sending meanwhile); then no new
 * connections, every request already received answered in full (up to `timeoutMs`), idle
 * connections closed, the application closed (the database pool with it), and `exit(0)`, or
 * `exit(1)` when the timeout cut requests off. A second signal exits at once.
 *
 * Set up before `listen`, so that every connection is known.
 */
export function shutDownGracefullyOnSignals(
  app: NestFastifyApplication,
  config: ShutdownConfig,
  exit: (code: number) => void,
): void {
  const drainer = new ConnectionDrainer(app.getHttpServer());
  const logger = new Logger('Shutdown');
  let started = false;

  const shutDown = async (signal: string): Promise<number> => {
    const began = performance.now();
    app.get(ShutdownState).begin();
    drainer.closeEachConnectionAfterItsAnswer();
    logger.log(
      `${signal}: readiness now 503; serving ${config.delayMs} ms more, then draining ${drainer.requestsInFlight} requests in flight on ${drainer.openConnections} connections (at most ${config.timeoutMs} ms)`,
    );
    await sleep(config.delayMs);
    const drainedInFull = await drainer.drain(performance.now() + config.timeoutMs);
    if (!drainedInFull) {
      logger.error(`Requests still unanswered after ${config.timeoutMs} ms were cut off`);
    }
    await app.close();
    logger.log(`Stopped ${Math.round(performance.now() - began)} ms after ${signal}`);
    return drainedInFull ? 0 : 1;
  };

  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (started) {
        logger.warn(`${signal} again: exiting without waiting`);
        exit(1);
        return;
      }
      started = true;
      shutDown(signal).then(exit, (error: unknown) => {
        logger.error(`Shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        exit(1);
      });
    });
  }
}
