import { captureLogs } from '../../test/support/captured-logs';
import { NestPinoLogger } from './nest-pino.logger';

function jsonLogger(): { nest: NestPinoLogger; records: () => Record<string, unknown>[] } {
  const logs = captureLogs({ json: true, level: 'verbose' });
  return { nest: new NestPinoLogger(logs.logger), records: logs.records };
}

describe('NestPinoLogger', () => {
  it("maps Nest's levels to pino's and takes the last string parameter as the context", () => {
    const { nest, records } = jsonLogger();
    nest.log('started', 'Bootstrap');
    nest.verbose('details');
    nest.debug('query', 'Database');
    nest.fatal('down', 'Bootstrap');
    expect(records()).toMatchObject([
      { level: 'info', msg: 'started', context: 'Bootstrap' },
      { level: 'trace', msg: 'details' },
      { level: 'debug', msg: 'query', context: 'Database' },
      { level: 'fatal', msg: 'down', context: 'Bootstrap' },
    ]);
    expect(records()[1]).not.toHaveProperty('context');
  });

  it("logs an error's name, message and stack only, never its other properties", () => {
    const { nest, records } = jsonLogger();
    const failure = Object.assign(new Error('insert failed'), {
      parameters: ['v1:key:ciphertext-of-a-password'],
    });
    nest.error(failure, undefined, 'Exceptions');
    const [record] = records();
    expect(record).toMatchObject({
      level: 'error',
      msg: 'insert failed',
      context: 'Exceptions',
      error: {
        type: 'Error',
        message: 'insert failed',
        stack: expect.stringContaining('insert failed'),
      },
    });
    expect(JSON.stringify(record)).not.toContain('ciphertext');
  });

  it('redacts credentials in logged objects, nested ones included', () => {
    const { nest, records } = jsonLogger();
    nest.warn({
      password: 'pw-top',
      registry: { password: 'pw-nested', token: 'tk', url: 'https://r.example.com' },
      headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=1' },
    });
    const text = JSON.stringify(records());
    for (const secret of ['pw-top', 'pw-nested', '"tk"', 'abc.def.ghi', 'session=1']) {
      expect(text).not.toContain(secret);
    }
    expect(records()[0]).toMatchObject({
      details: { registry: { url: 'https://r.example.com', password: '[redacted]' } },
    });
  });
});
