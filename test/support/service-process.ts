import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './fake-servers';
import { TEST_ENCRYPTION_KEY } from './test-app';
import { TEST_JWT_SECRET } from './tokens';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** Compiles the service as `npm run build` does, for the suites that run it as a process. */
export function buildService(): void {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  at: number;
}

/**
 * The compiled service as production runs it (`node dist/src/main.js`, the way the Dockerfile
 * starts it), on 127.0.0.1 and a port of its own, its JSON log lines collected.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private partial = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.collect(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.collect(chunk));
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => done({ code, signal, at: performance.now() })),
    );
  }

  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        JWT_SECRET: TEST_JWT_SECRET,
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`);
    await service.waitReady();
    return service;
  }

  /** Sends `signal` to the node process itself, as a container runtime does. */
  signal(signal: NodeJS.Signals): number {
    this.child.kill(signal);
    return performance.now();
  }

  /** The process's resident memory now and at its highest so far, from Linux's /proc. */
  memory(): { rssBytes: number; peakRssBytes: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kib = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  }

  /** The log lines as objects (the service writes JSON lines in production). */
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Makes sure the process is gone, whatever the test did. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** GET on a connection of its own, closed after the answer: the status code, or the error code. */
  status(path: string): Promise<number | string> {
    return new Promise((done) => {
      get(`${this.url}${path}`, { agent: false }, (response) => {
        response.resume().on('end', () => done(response.statusCode ?? 0));
      }).on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    });
  }

  private collect(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    this.lines.push(...lines.filter(Boolean));
  }

  private async waitReady(): Promise<void> {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(
          `the service exited with ${this.child.exitCode}:\n${this.lines.join('\n')}`,
        );
      }
      if ((await this.status('/health/ready')) === 200) return;
      await sleep(50);
    }
    throw new Error(`the service was not ready within 30 s:\n${this.lines.join('\n')}`);
  }
}
