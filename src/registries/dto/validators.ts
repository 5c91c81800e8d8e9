import { X509Certificate } from 'node:crypto';
import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { InvalidRegistryUrlError, normalizeRegistryUrl } from '../registry-url';

/** The field may be omitted, but `null` is not a value for it. */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** Counts characters as the databases do (code points), so the column always fits. */
export function MaxCodePoints(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxCodePoints',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && [...value].length <= max,
        defaultMessage: (args) => `${args?.property} must be at most ${max} characters`,
      },
    },
    options,
  );
}

/** A registry URL that the contract's normalisation accepts; the message says what is wrong. */
export function IsRegistryUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRegistryUrl',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && registryUrlProblem(value) === undefined,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? (registryUrlProblem(args.value) ?? 'url is invalid')
            : 'url must be a string',
      },
    },
    options,
  );
}

function registryUrlProblem(value: string): string | undefined {
  try {
    normalizeRegistryUrl(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidRegistryUrlError) return error.message;
    throw error;
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** One or more PEM certificates, each a parseable X.509 certificate, and nothing else. */
export function IsPemCertificates(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPemCertificates',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && arePemCertificates(value),
        defaultMessage: (args) =>
          `${args?.property} must be one or more PEM-encoded X.509 certificates`,
      },
    },
    options,
  );
}

function arePemCertificates(text: string): boolean {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0 || text.replace(PEM_CERTIFICATE, '').trim() !== '') return false;
  try {
    blocks.forEach((block) => new X509Certificate(block));
    return true;
  } catch {
    return false;
  }
}
