import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export type Environment = Record<string, string | undefined>;

export class ConfigurationError extends Error {}

/** From the most to the least severe; a level includes those before it. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Every environment variable the service reads; validated once, before anything starts. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @Matches(/^(sqlite:.+|mysql:\/\/.+)$/, {
    message: 'DATABASE_URL must be sqlite:<path> or mysql://user:pass@host:port/db',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'JWT_JWKS_URI must be an http(s) URL' },
  )
  JWT_JWKS_URI?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsOptional()
  @IsString()
  ENCRYPTION_KEY?: string;

  @IsOptional()
  @IsString()
  ENCRYPTION_PREVIOUS_KEYS?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: LogLevelName;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  OUTBOUND_CONNECT_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  OUTBOUND_TIMEOUT_MS?: number;

  /** Audit events older than this many days are removed; 0 keeps them all. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(36_500)
  AUDIT_RETENTION_DAYS?: number;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED?: 'true' | 'false';

  /** After SIGTERM/SIGINT, how long the service goes on serving (readiness already 503). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  SHUTDOWN_DELAY_MS?: number;

  /** How long requests already received get to finish before the process exits anyway. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS?: number;

  /** The most a client gets to send a whole request, headers and body; then a 408. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  REQUEST_RECEIVE_TIMEOUT_MS?: number;

  /** Connections one instance keeps open at once; more are closed as they arrive. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_CONNECTIONS?: number;
}

/** Validates the variables the service reads; an empty value counts as unset. */
export function validateEnvironment(env: Environment): EnvironmentVariables {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const variables = plainToInstance(EnvironmentVariables, present);
  const errors = validateSync(variables);
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return variables;
}
