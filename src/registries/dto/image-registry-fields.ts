import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';
import { IsOptionalNotNull, IsPemCertificates, IsRegistryUrl, MaxCodePoints } from './validators';

/**
 * The writable fields of a registry, each with its validation and documentation, shared by the
 * create body (where name and url are required) and the partial update body.
 */
interface FieldOptions {
  required: boolean;
}

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

function presence({ required }: FieldOptions): PropertyDecorator {
  return required ? () => undefined : IsOptionalNotNull();
}

export function NameField(options: FieldOptions): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: 'Unique name, compared case-insensitively; surrounding white space is trimmed.',
      required: options.required,
      minLength: 1,
      maxLength: 100,
      example: 'docker-hub',
    }),
    Transform(trim),
    presence(options),
    IsString(),
    MinLength(1, { message: 'name must not be empty' }),
    MaxCodePoints(100),
  );
}

export function UrlField(options: FieldOptions): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'Registry URL; without a scheme, https is assumed. Stored and returned normalised (lower-case scheme and host, no default port, no trailing slash or /v2 suffix, Docker Hub aliases as https://registry-1.docker.io) and unique in that form.' +
        (options.required ? '' : ' Changing it without a new password clears the stored password.'),
      required: options.required,
      maxLength: 512,
      example: 'https://registry-1.docker.io',
    }),
    presence(options),
    IsString(),
    IsRegistryUrl(),
  );
}

export function UsernameField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: 'User name; null for anonymous access (null also clears the password).',
      required: false,
      nullable: true,
      type: String,
      minLength: 1,
      maxLength: 255,
      example: 'myuser',
    }),
    IsOptional(),
    IsString(),
    MinLength(1, { message: 'username must not be empty; use null for none' }),
    MaxCodePoints(255),
  );
}

export function PasswordField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'Password or access token. Write-only: stored encrypted, never returned. Requires a username; null clears it.',
      required: false,
      nullable: true,
      type: String,
      writeOnly: true,
      format: 'password',
      minLength: 1,
      maxLength: 8192,
    }),
    IsOptional(),
    IsString(),
    MinLength(1, { message: 'password must not be empty; use null for none' }),
    MaxCodePoints(8192),
  );
}

export function DefaultField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'Whether this is the default registry for image import. Setting it clears it on the previous default.',
      required: false,
      type: Boolean,
    }),
    IsOptionalNotNull(),
    IsBoolean(),
  );
}

export function DescriptionField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description: 'Free text.', required: false, maxLength: 500 }),
    IsOptionalNotNull(),
    IsString(),
    MaxCodePoints(500),
  );
}

export function InsecureField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: 'Skip TLS certificate verification when connecting to this registry.',
      required: false,
      type: Boolean,
    }),
    IsOptionalNotNull(),
    IsBoolean(),
  );
}

export const MAX_CA_CERTIFICATE_LENGTH = 64 * 1024;

export function CaCertificateField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'PEM certificates of a private CA to trust when connecting to this registry (validated as X.509, at most 64 KiB); null clears it. Ignored when insecure is true.',
      required: false,
      nullable: true,
      type: String,
      maxLength: MAX_CA_CERTIFICATE_LENGTH,
      example: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
    }),
    IsOptional(),
    IsString(),
    MaxCodePoints(MAX_CA_CERTIFICATE_LENGTH),
    IsPemCertificates(),
  );
}
