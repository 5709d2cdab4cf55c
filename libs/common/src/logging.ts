import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import type { AppConfig } from '@app/config';

/**
 * Fields removed from every log line by pino's redaction, whatever logs them: credentials
 * must not depend on each call site remembering to leave them out.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'oci_registry_token',
  '*.authorization',
  '*.password',
  '*.token',
  '*.oci_registry_token',
  '*.*.oci_registry_token',
  'body.oci_registry_token',
  // registry credentials' secrets (the API's field names, and the AWS SDK's)
  'secret',
  '*.secret',
  'body.secret',
  'aws_secret_access_key',
  '*.aws_secret_access_key',
  'body.aws_secret_access_key',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
];

/** `destination` lets tests capture lines; by default pino writes to stdout. */
export function createLogger(config: Pick<AppConfig, 'log'>, name: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.log.level,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    transport: config.log.pretty
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } }
      : undefined,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Lets Nest's own messages (module init, route mapping) go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** Injection token for the process's root pino logger. */
export const LOGGER = Symbol('LOGGER');
