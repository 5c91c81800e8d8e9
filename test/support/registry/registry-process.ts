import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { httpRequest } from './http-request';
import { REGISTRY_BINARY } from './tools';

const MAX_OUTPUT = 64 * 1024;

/**
 * Runs `$1 serve $2` and removes the directory $3 once the registry has ended. The shell's stdin is
 * a pipe from Node: its end-of-file (Node closed it, or Node died, even by SIGKILL: Jest's sandbox
 * never sees process 'exit') makes the watchdog kill the registry. The shell ends with the registry.
 * Only the registry writes to Node's stdout/stderr pipes: if Node is gone, anything else writing
 * there (such as dash's "Terminated") would die of SIGPIPE before cleaning up.
 */
const SUPERVISOR = `
exec 3<&0
"$1" serve "$2" </dev/null 3<&- &
registry=$!
exec >/dev/null 2>&1
( read -r _ <&3; kill "$registry" ) &
watchdog=$!
exec 3<&-
wait "$registry"
status=$?
kill "$watchdog"
rm -rf "$3"
exit "$status"
`;

/** A `docker-registry serve <config>` child process, which ends at the latest when Node does. */
export class RegistryProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private finished = false;
  private output = '';

  /** `directory` (which holds the configuration) is removed when the registry ends. */
  constructor(configPath: string, directory: string) {
    this.child = spawn('sh', ['-c', SUPERVISOR, 'sh', REGISTRY_BINARY, configPath, directory], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // A clean environment: REGISTRY_* variables would override the configuration file.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      // Its own process group, so that a stuck registry can be killed along with the shell.
      detached: true,
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.collect(chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => this.collect(chunk.toString('utf8')));
    this.exited = new Promise<void>((resolve) => {
      const finish = (): void => {
        this.finished = true;
        resolve();
      };
      this.child.once('exit', finish);
      this.child.once('error', (error) => {
        this.collect(`cannot run the registry: ${error.message}\n`);
        finish();
      });
    });
    // A forgotten registry must not keep Node (and Jest) alive; the watchdog ends it with Node.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (stream as Socket | null)?.unref();
    }
  }

  /** What the registry wrote on stdout and stderr (the last 64 KiB). */
  logs(): string {
    return this.output;
  }

  /** Whether it ended because another process had bound its port first. */
  lostItsPort(): boolean {
    return this.finished && this.output.includes('address already in use');
  }

  /** Polls `GET <url>/v2/` until it answers 200 or 401; fails at once if the registry ends. */
  async waitUntilReady(url: string, ca: string | undefined, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.finished) throw new Error(`docker-registry ended before answering:\n${this.output}`);
      try {
        const { status } = await httpRequest(`${url}/v2/`, { ca, timeoutMs: 2_000 });
        if (status === 200 || status === 401) return;
        lastProblem = `GET /v2/ answered ${status}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await delay(50);
    }
    throw new Error(
      `docker-registry at ${url} not ready within ${timeoutMs} ms (${lastProblem}):\n${this.output}`,
    );
  }

  /** Closes the watchdog's pipe (the registry gets SIGTERM); SIGKILLs the group after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.finished) return;
    this.child.stdin?.end();
    const grace = new AbortController();
    const ended = await Promise.race([
      this.exited.then(() => true),
      delay(graceMs, false, { signal: grace.signal }).catch(() => true),
    ]);
    grace.abort();
    if (!ended && this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    await this.exited;
  }

  private collect(text: string): void {
    this.output = (this.output + text).slice(-MAX_OUTPUT);
  }
}
