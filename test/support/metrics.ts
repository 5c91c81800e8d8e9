import { execFile } from 'node:child_process';
import request from 'supertest';
import type { App } from 'supertest/types';

/** The exposition `GET /metrics` answers, checked to be a 200 in Prometheus text format. */
export async function scrape(http: App): Promise<string> {
  const response = await request(http).get('/metrics').expect(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text;
}

/**
 * The value of one sample: `name` with exactly these labels (in any order); 0 when the series is
 * not there yet, as Prometheus reads a counter that has not moved.
 */
export function sample(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return 0;
}

/** The series of a metric family: one line per label set. */
export function seriesOf(exposition: string, name: string): string[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** What `promtool check metrics` says of the exposition: its exit code and output. */
export function promtoolCheck(exposition: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error === null ? 0 : error.code;
      if (typeof code !== 'number') {
        reject(new Error(`promtool did not run: ${error?.message}`, { cause: error }));
        return;
      }
      resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(exposition);
  });
}
