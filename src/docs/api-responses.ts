import { applyDecorators } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import {
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

@ApiSchema({ name: 'ErrorResponse', description: 'Every error response.' })
export class ErrorResponseDto {
  @ApiProperty({
    description: 'The HTTP status code.',
    type: 'integer',
    format: 'int32',
    example: 404,
  })
  statusCode!: number;

  @ApiProperty({ description: 'The standard reason phrase of the status.', example: 'Not Found' })
  error!: string;

  @ApiProperty({
    description:
      'What went wrong. For validation errors, an array with one sentence per problem, each naming the field.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  message!: string | string[];
}

const RETRY_AFTER = {
  'Retry-After': {
    description:
      "The registry's own Retry-After (seconds or an HTTP date), when it gave a valid one.",
    schema: { type: 'string' },
  },
};

const CHALLENGE = {
  'WWW-Authenticate': {
    description: 'The bearer challenge (RFC 6750).',
    schema: { type: 'string' },
  },
};

/** What each status means here, and a typical message for the example. */
const ERRORS = {
  400: [
    'Invalid request: malformed JSON, a wrong type, an out-of-range value, an unknown or read-only field, or a malformed id. `message` lists the problems.',
    ['url must use http or https', 'property id should not exist'],
  ],
  401: [
    'No bearer token, or a malformed, expired, not-yet-valid or wrongly signed one.',
    'The bearer token has expired',
  ],
  403: [
    'The token does not grant the scope this operation requires.',
    'The token lacks the scope registries:write',
  ],
  404: ['Not found.', 'Image registry 7 not found'],
  409: [
    'The name or the URL is already taken by another registry.',
    'An image registry named "docker-hub" already exists',
  ],
  412: [
    'If-Match names no current version of the resource: nothing changed; `message` gives the current ETag.',
    'Image registry 7 has changed: its current ETag is "4"',
  ],
  413: ['The request body exceeds 1 MiB.', 'The request body exceeds 1 MiB'],
  415: [
    'The request body is not JSON, is JSON in another charset than UTF-8, or is content-encoded.',
    'Request bodies must be application/json',
  ],
  429: [
    'The registry rate-limits the requests made for this one; retry after `Retry-After`.',
    'The registry https://harbor.example.com is rate-limiting requests; try again later',
  ],
  501: [
    'The registry does not offer its list of repositories to these credentials (Docker Hub never does).',
    'The registry https://registry-1.docker.io does not offer its list of repositories to these credentials; enter the repository name instead',
  ],
  502: [
    'The registry could not be reached or refused the stored credentials; `message` says which.',
    'The registry https://harbor.example.com refused the credentials',
  ],
  503: [
    'The database is unavailable; retry shortly.',
    'The database is unavailable; try again shortly',
  ],
  504: ['The registry did not answer in time.', 'harbor.example.com did not answer in time.'],
} as const satisfies Record<number, readonly [string, string | readonly string[]]>;

export type ErrorStatus = keyof typeof ERRORS;

/** Documents the error responses an operation can give, all with the ErrorResponse schema. */
export function ApiErrorResponses(
  ...statuses: [ErrorStatus, ...ErrorStatus[]]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...statuses.map((status) => {
      const [description, message] = ERRORS[status];
      return ApiResponse({
        status,
        description,
        schema: {
          allOf: [{ $ref: getSchemaPath(ErrorResponseDto) }],
          example: { statusCode: status, error: STATUS_CODES[status], message },
        },
        headers:
          status === 401 || status === 403 ? CHALLENGE : status === 429 ? RETRY_AFTER : undefined,
      });
    }),
  );
}
