import pino from 'pino';

/** One structured logger for the process; requests log through child loggers with their id. */
export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { service: 'guichet' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], remove: true },
  });
}
