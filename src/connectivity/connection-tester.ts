import { Injectable } from '@nestjs/common';
import type { ConnectionTestResultDto, TestStatus } from './dto/connection-test-result.dto';
import { isSuccess, OutboundError } from './outbound-http';
import { type RegistryAnswer, RegistryClient, type RegistryTarget } from './registry-client';

/** Tests a registry the way `docker login` does: the V2 handshake on /v2/. */
@Injectable()
export class ConnectionTester {
  constructor(private readonly registries: RegistryClient) {}

  async test(target: RegistryTarget): Promise<ConnectionTestResultDto> {
    const started = performance.now();
    const result = await this.handshake(target);
    return { ...result, latency_ms: Math.round(performance.now() - started) };
  }

  private async handshake(
    target: RegistryTarget,
  ): Promise<Omit<ConnectionTestResultDto, 'latency_ms'>> {
    let answer: RegistryAnswer;
    try {
      answer = await this.registries.call(target, {
        operation: 'connection_test',
        method: 'GET',
        path: '',
      });
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      return {
        ok: false,
        status: error.kind,
        auth: null,
        http_status: null,
        message: error.message,
      };
    }
    const [status, message] = judge(answer);
    return { ok: status === 'ok', status, auth: answer.auth, http_status: answer.status, message };
  }
}

function judge(answer: RegistryAnswer): [TestStatus, string] {
  const { status } = answer;
  if (isSuccess(status)) {
    if (/text\/html/i.test(answer.headers['content-type'] ?? '')) {
      return ['not_a_registry', 'The server answered /v2/ with a web page, not the registry API.'];
    }
    if (answer.presentedCredentials) {
      return ['ok', 'The registry answered and accepted the credentials.'];
    }
    // A Bearer challenge answered with an anonymous token is not "without asking".
    return [
      'ok',
      answer.auth === 'none'
        ? 'The registry answered without asking for credentials.'
        : 'The registry asked for a token and accepted an anonymous one.',
    ];
  }
  if (status === 401 || status === 403) {
    if (answer.auth === null) {
      return [
        'unauthorized',
        'The registry asks for an authentication scheme the service does not support.',
      ];
    }
    return answer.presentedCredentials
      ? ['unauthorized', 'The registry refused the credentials.']
      : ['unauthorized', 'The registry requires credentials, and none are configured.'];
  }
  if (status >= 500)
    return ['unreachable', `The registry answered with a server error (${status}).`];
  if (status === 404) return ['not_a_registry', 'The server has no registry API at /v2/ (404).'];
  return ['not_a_registry', `The server answered /v2/ with ${status}, not as a registry does.`];
}
