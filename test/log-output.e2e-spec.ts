import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildService } from './support/service-process';

/**
 * The production log output (JSON lines on stdout, written in batches): every line reaches the
 * pipe, in order, however the process ends. Each case runs the compiled root logger in a process
 * of its own, as the service runs it.
 */

const ROOT_LOGGER = join(resolve(__dirname, '..'), 'dist', 'src', 'logging', 'root-logger.js');
/** More than several batches of lines. */
const LINES = 5_000;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** A process that writes LINES lines (`{"n":0}` …) through the root logger, then runs `end`. */
function logThen(end: string, lines = LINES): Run {
  const script = [
    `const logger = require(${JSON.stringify(ROOT_LOGGER)}).createRootLogger({ json: true, level: 'log' });`,
    `for (let n = 0; n < ${lines}; n++) logger.info({ n }, 'line');`,
    end,
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exit = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, stdout: () => stdout, exit };
}

function numbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { n: number }).n);
}

const ALL = Array.from({ length: LINES }, (_, n) => n);

describe('Log output in production', () => {
  beforeAll(() => buildService());

  it.each([
    ['the process exits', 'process.exit(0);', 0],
    ['a flush calls back', 'logger.flush(() => process.exit(3));', 3],
    ['the process dies of an uncaught exception', "throw new Error('unexpected');", 1],
    ['the event loop empties', '', 0],
  ])('writes every line, in order, when %s', async (_when, end, code) => {
    const run = logThen(end);
    expect(await run.exit).toBe(code);
    expect(numbers(run.stdout())).toEqual(ALL);
  });

  it('writes a few lines while the process goes on, without a flush', async () => {
    const run = logThen('setInterval(() => {}, 1000);', 3);
    try {
      while (numbers(run.stdout()).length < 3) await sleep(50);
      expect(numbers(run.stdout())).toEqual([0, 1, 2]);
    } finally {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  });
});
