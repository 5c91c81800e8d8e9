import type { Measurement } from './load';
import type { ScenarioResult } from './report';

/** One target, judged on one run. */
export interface Verdict {
  target: string;
  measured: number;
  comparison: '≥' | '≤';
  limit: number;
  met: boolean;
}

/** What one full run measured that the targets are about. */
export interface JudgedResults {
  list: ScenarioResult;
  get: ScenarioResult;
  update: ScenarioResult;
  create: ScenarioResult;
  /** Page 1 at the smallest and at the largest table of the scale runs. */
  smallTable: ScenarioResult;
  largeTable: ScenarioResult;
}

const READ_RATE = 0.9;
const WRITE_RATE = 0.7;
const READ_P99 = 2;
const SCALE_LATENCY = 1.5;

/**
 * The service's targets: reads at ≥ 0.9× the baseline's req/s with p99 ≤ 2× the baseline's,
 * writes at ≥ 0.7×, and page-1 latency (p50 and p99) at the largest table within 1.5× of that
 * at the smallest. Errors and non-2xx answers are judged apart, on every scenario.
 */
export function judgeTargets(results: JudgedResults): Verdict[] {
  const { list, get, update, create, smallTable, largeTable } = results;
  const small = smallTable.service;
  const large = largeTable.service;
  return [
    atLeast(`${list.scenario}: req/s ÷ baseline`, rateRatio(list), READ_RATE),
    atMost(`${list.scenario}: p99 ÷ baseline`, p99Ratio(list), READ_P99),
    atLeast(`${get.scenario}: req/s ÷ baseline`, rateRatio(get), READ_RATE),
    atMost(`${get.scenario}: p99 ÷ baseline`, p99Ratio(get), READ_P99),
    atLeast(`${update.scenario}: req/s ÷ baseline`, rateRatio(update), WRITE_RATE),
    atLeast(`${create.scenario}: req/s ÷ baseline`, rateRatio(create), WRITE_RATE),
    atMost(
      `${largeTable.scenario}: p50 ÷ ${smallTable.scenario}`,
      large.p50Ms / small.p50Ms,
      SCALE_LATENCY,
    ),
    atMost(
      `${largeTable.scenario}: p99 ÷ ${smallTable.scenario}`,
      large.p99Ms / small.p99Ms,
      SCALE_LATENCY,
    ),
  ];
}

export function formatVerdicts(verdicts: Verdict[]): string {
  const width = Math.max(...verdicts.map((verdict) => verdict.target.length));
  return verdicts
    .map(
      ({ target, measured, comparison, limit, met }) =>
        `${target.padEnd(width)}  ${measured.toFixed(2).padStart(5)}  ${comparison} ${limit}  ${met ? 'met' : 'NOT MET'}`,
    )
    .join('\n');
}

function rateRatio(result: ScenarioResult): number {
  return result.service.reqPerSec / baselineOf(result).reqPerSec;
}

function p99Ratio(result: ScenarioResult): number {
  return result.service.p99Ms / baselineOf(result).p99Ms;
}

function baselineOf(result: ScenarioResult): Measurement {
  if (result.baseline === undefined) throw new Error(`${result.scenario} has no baseline`);
  return result.baseline;
}

function atLeast(target: string, measured: number, limit: number): Verdict {
  return { target, measured, comparison: '≥', limit, met: measured >= limit };
}

function atMost(target: string, measured: number, limit: number): Verdict {
  return { target, measured, comparison: '≤', limit, met: measured <= limit };
}
