import { ApiProperty, ApiSchema } from '@nestjs/swagger';

export const TEST_STATUSES = [
  'ok',
  'unauthorized',
  'unreachable',
  'tls_error',
  'timeout',
  'not_a_registry',
] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

@ApiSchema({
  name: 'ConnectionTestResult',
  description:
    'The outcome of the Docker Registry V2 handshake. A failed test is still a 200: the call worked, the registry did not.',
})
export class ConnectionTestResultDto {
  @ApiProperty({ description: 'True when status is ok.', example: true })
  ok!: boolean;

  @ApiProperty({
    enum: TEST_STATUSES,
    description:
      'ok: /v2/ answered 2xx with the given credentials; unauthorized: they were refused (or needed); unreachable: refused, reset, DNS failure, 5xx or a blocked address; tls_error: the certificate could not be verified; timeout: no answer in time; not_a_registry: a web page or 404 at /v2/.',
    example: 'ok',
  })
  status!: TestStatus;

  @ApiProperty({
    enum: ['none', 'basic', 'bearer'],
    nullable: true,
    description:
      'The scheme the registry challenged with (none: no challenge); null when no HTTP answer came.',
    example: 'bearer',
  })
  auth!: 'none' | 'basic' | 'bearer' | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The status of the last /v2/ answer; null without one.',
    example: 200,
  })
  http_status!: number | null;

  @ApiProperty({ type: 'integer', description: 'The whole test, in milliseconds.', example: 184 })
  latency_ms!: number;

  @ApiProperty({
    description: 'One plain sentence about the outcome.',
    example: 'The registry answered and accepted the credentials.',
  })
  message!: string;
}
