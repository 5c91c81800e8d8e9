import { BadRequestException } from '@nestjs/common';
import { ParseIdPipe } from './parse-id.pipe';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();

  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('accepts %s', (value, expected) => {
    expect(pipe.transform(value)).toBe(expected);
  });

  it.each([
    'abc',
    '0',
    '-1',
    '1.5',
    '01',
    '+1',
    '2147483648',
    '99999999999',
    '',
    ' 1',
    '1e3',
    '0x1',
  ])('rejects %j', (value) => {
    expect(() => pipe.transform(value)).toThrow(BadRequestException);
  });
});
