import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerSpec {
  /** For messages and the results table: "service", "baseline"… */
  name: string;
  /** The script node runs, relative to the repository root. */
  script: string;
  nodeArgs?: string[];
  env: Record<string, string>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LINES_KEPT = 40;
const RSS_SAMPLE_MS = 100;
const USER_HZ = 100;

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Where every server's stdout and stderr go, one file each, as a container runtime keeps them. */
const LOG_DIRECTORY = mkdtempSync(join(tmpdir(), 'image-registry-bench-'));

/**
 * A server process started from the repository root, listening on 127.0.0.1. Its output goes to
 * a file, not a pipe this process reads: the load generator runs here and must not spend its CPU
 * on the log lines of the server it measures.
 */
export class ServerProcess {
  private readonly exited: Promise<void>;
  /** "code 0", "signal SIGTERM"…, once the process has exited. */
  private exitStatus: string | undefined;

  private constructor(
    readonly name: string,
    readonly baseUrl: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitStatus = code !== null ? `code ${code}` : `signal ${signal}`;
        resolve();
      }),
    );
  }

  /** Starts the server and waits until GET /health/ready answers 200. */
  static async start(spec: ServerSpec, repositoryRoot: string): Promise<ServerProcess> {
    const port = await freePort();
    const logFile = join(LOG_DIRECTORY, `${spec.name.replace(/\W+/g, '-')}-${port}.log`);
    const output = openSync(logFile, 'w');
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
      cwd: repositoryRoot,
      env: { ...spec.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', output, output],
    });
    closeSync(output);
    const server = new ServerProcess(spec.name, `http://127.0.0.1:${port}`, child, logFile);
    try {
      await server.waitReady();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines the server wrote, for error messages. */
  recentLog(): string {
    const lines = readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean);
    return lines.slice(-LOG_LINES_KEPT).join('\n');
  }

  /** The resident set size now, in bytes (Linux /proc). */
  rssBytes(): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      return kilobytes === undefined ? 0 : Number(kilobytes) * 1024;
    } catch {
      return 0;
    }
  }

  /**
   * CPU time the process has used so far, user and system, all threads, in milliseconds
   * (Linux /proc; utime and stime count USER_HZ ticks, 100 a second on every Linux ABI).
   */
  cpuMs(): number {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * (1000 / USER_HZ);
    } catch {
      return 0;
    }
  }

  /** Samples the RSS until the returned function is called; it answers the peak seen, in bytes. */
  sampleRss(): () => number {
    let peak = this.rssBytes();
    const timer = setInterval(() => (peak = Math.max(peak, this.rssBytes())), RSS_SAMPLE_MS);
    return () => {
      clearInterval(timer);
      return Math.max(peak, this.rssBytes());
    };
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.exitStatus !== undefined) return;
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      sleep(STOP_TIMEOUT_MS).then(() => true),
    ]);
    if (timedOut) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitStatus !== undefined) {
        throw new Error(
          `${this.name} exited (${this.exitStatus}) before it was ready:\n${this.recentLog()}`,
        );
      }
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`, {
          signal: AbortSignal.timeout(2_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(
      `${this.name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${this.recentLog()}`,
    );
  }
}
