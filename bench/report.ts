import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { CheckResult } from './checks';
import type { Measurement } from './load';
import type { Verdict } from './targets';

/** One scenario: the service's measurement and, when it was compared, the baseline's. */
export interface ScenarioResult {
  scenario: string;
  service: Measurement;
  baseline?: Measurement;
  /** service ÷ baseline req/s. */
  ratio?: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  mode: string;
  machine: { cpus: number; cpuModel: string; node: string; database: string };
  settings: object;
  checks: CheckResult[];
  scenarios: ScenarioResult[];
  verdicts?: Verdict[];
  profile?: object;
}

export function compareResults(measurements: Measurement[]): ScenarioResult {
  const [service, baseline] = measurements;
  return {
    scenario: service.scenario,
    service,
    baseline,
    ratio: baseline === undefined ? undefined : service.reqPerSec / baseline.reqPerSec,
  };
}

/** Every error, timeout or non-2xx answer any measurement saw. */
export function failures(scenarios: ScenarioResult[]): string[] {
  return scenarios
    .flatMap((result) => [result.service, result.baseline])
    .filter((m): m is Measurement => m !== undefined && (m.errors > 0 || m.non2xx > 0))
    .map(
      (m) =>
        `${m.scenario} / ${m.server}: ${m.errors} errors (${m.timeouts} timeouts), ${m.non2xx} non-2xx ${JSON.stringify(m.statusCodes)}`,
    );
}

const HEADER = [
  'scenario',
  'server',
  'req/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'non-2xx',
  'peak RSS MB',
  'CPU ms/req',
  'stolen %',
  'service ÷ baseline',
];

export function formatTable(scenarios: ScenarioResult[]): string {
  const rows: string[][] = scenarios.flatMap((result) =>
    [result.service, result.baseline]
      .filter((m): m is Measurement => m !== undefined)
      .map((m, index) => [
        index === 0 ? result.scenario : '',
        m.server,
        m.reqPerSec.toFixed(0),
        m.p50Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        String(m.errors),
        String(m.non2xx),
        m.peakRssMb.toFixed(0),
        m.cpuMsPerRequest.toFixed(3),
        m.stolenPercent.toFixed(1),
        index === 0 ? (result.ratio?.toFixed(2) ?? '—') : '',
      ]),
  );
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ');
  return [
    line(HEADER),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/**
 * Writes bench/results/<ISO date and time>.json (optionally with a suffix), formatted as the
 * repository's Prettier configuration wants it, and answers its path.
 */
export async function writeReport(
  directory: string,
  report: BenchReport,
  suffix = '',
): Promise<string> {
  mkdirSync(directory, { recursive: true });
  const stamp = report.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const file = join(directory, `${stamp}${suffix}.json`);
  const options = { ...(await resolveConfig(file)), parser: 'json' };
  writeFileSync(file, await format(JSON.stringify(report), options));
  return file;
}
