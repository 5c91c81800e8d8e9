import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Error', description: 'Every error response.' })
export class ErrorResponseDto {
  @ApiProperty({ description: 'The HTTP status code.', example: 404 })
  statusCode!: number;

  @ApiProperty({ description: 'The standard reason phrase of the status.', example: 'Not Found' })
  error!: string;

  @ApiProperty({
    description:
      'What went wrong. For validation errors, an array with one sentence per problem, each naming the field.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Image registry 7 not found',
  })
  message!: string | string[];
}

const CHALLENGE = {
  'WWW-Authenticate': {
    description: 'The bearer challenge (RFC 6750).',
    schema: { type: 'string' },
  },
};

const ERRORS = {
  400: 'Invalid request: malformed JSON, a wrong type, an out-of-range value, an unknown or read-only field, or a malformed id. `message` lists the problems.',
  401: 'No bearer token, or a malformed, expired, not-yet-valid or wrongly signed one.',
  403: 'The token does not grant the scope this operation requires.',
  404: 'Not found.',
  409: 'The name or the URL is already taken by another registry.',
  413: 'The request body exceeds 1 MiB.',
  415: 'The request body is not JSON.',
  503: 'The database is unavailable; retry shortly.',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** Documents the error responses an operation can give, all with the Error schema. */
export function ApiErrorResponses(
  ...statuses: [ErrorStatus, ...ErrorStatus[]]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERRORS[status],
        type: ErrorResponseDto,
        headers: status === 401 || status === 403 ? CHALLENGE : undefined,
      }),
    ),
  );
}
