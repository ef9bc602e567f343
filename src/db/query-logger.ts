import type { LogContext, Logger, LoggerNamespace } from '@mikro-orm/core';
import type pino from 'pino';

export type QueryObserver = (context: LogContext) => void;

/**
 * Sends MikroORM's messages to pino (SQL at debug level, with the request id the request's
 * EntityManager fork carries in its logger context) and lets tests count statements per request.
 */
export class QueryLogger implements Logger {
  constructor(
    private readonly out: pino.Logger,
    private readonly observer?: QueryObserver,
  ) {}

  log(namespace: string, message: string, context?: LogContext): void {
    if (namespace === 'query') return;
    this.out.debug({ namespace, requestId: context?.requestId }, message);
  }

  error(namespace: string, message: string, context?: LogContext): void {
    this.out.error({ namespace, requestId: context?.requestId }, message);
  }

  warn(namespace: string, message: string, context?: LogContext): void {
    this.out.warn({ namespace, requestId: context?.requestId }, message);
  }

  logQuery(context: LogContext): void {
    this.observer?.(context);
    if (this.out.isLevelEnabled('debug')) {
      this.out.debug({ requestId: context.requestId, tookMs: context.took, sql: context.query }, 'sql');
    }
  }

  setDebugMode(_debugMode: boolean | LoggerNamespace[]): void {}

  isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query';
  }
}
