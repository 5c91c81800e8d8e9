import autocannon from 'autocannon';
import { machineTicks } from './machine-time';
import type { ServerProcess } from './servers';

export const API = '/api/v1/image-registries';
const JSON_BODY = { 'content-type': 'application/json' };

export interface Scenario {
  name: string;
  /** A fresh request list for every run; the closures number the requests. */
  requests: () => autocannon.Request[];
  /** The bearer token of its requests, when not the settings' read-write one. */
  token?: string;
}

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
  /** The bearer token every request carries. */
  token: string;
}

export interface RoundResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** One server under one scenario: all its rounds together. */
export interface Measurement {
  scenario: string;
  server: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  peakRssMb: number;
  /** The server process's CPU time (user and system) per completed request, over the rounds. */
  cpuMsPerRequest: number;
  /** Of the machine's CPU time during the rounds, the share the hypervisor gave to other guests. */
  stolenPercent: number;
  rounds: RoundResult[];
}

/** GET one page of ten. */
export function listScenario(name: string, pageNum = 1): Scenario {
  return {
    name,
    requests: () => [{ method: 'GET', path: `${API}?pageNum=${pageNum}&pageSize=10` }],
  };
}

/** GET by id, cycling through the first hundred seeded registries. */
export function getScenario(rows: number): Scenario {
  const ids = Array.from({ length: Math.min(100, rows) }, (_, index) => index + 1);
  return {
    name: 'get by id',
    requests: () => ids.map((id) => ({ method: 'GET', path: `${API}/${id}` })),
  };
}

/** PUT a new description (a partial update), each request on the next seeded registry. */
export function updateScenario(rows: number): Scenario {
  return {
    name: 'update (PUT description)',
    requests: () => {
      let sent = 0;
      return [
        {
          method: 'PUT',
          headers: JSON_BODY,
          setupRequest: (request) => {
            sent += 1;
            return {
              ...request,
              path: `${API}/${1 + (sent % rows)}`,
              body: JSON.stringify({ description: `Updated by the benchmark, request ${sent}` }),
            };
          },
        },
      ];
    },
  };
}

/** The credentials of every registry that has them, as one Docker config.json (CONTRACT §12). */
export function allCredentialsScenario(rows: number, credentialsToken: string): Scenario {
  return {
    name: `credentials of all registries @ ${rows} rows`,
    requests: () => [{ method: 'GET', path: `${API}/credentials?format=dockerconfigjson` }],
    token: credentialsToken,
  };
}

/** Resolve with check: a manifest HEAD to a registry on this machine, with its credentials. */
export function resolveWithCheckScenario(image: string): Scenario {
  return {
    name: 'resolve with check (local registry)',
    requests: () => [
      {
        method: 'POST',
        path: `${API}/resolve`,
        headers: JSON_BODY,
        body: JSON.stringify({ image, check: true }),
      },
    ],
  };
}

let created = 0;

/** POST a registry with a password; names and URLs are unique across the whole run. */
export function createScenario(runTag: string): Scenario {
  return {
    name: 'create (POST with password)',
    requests: () => [
      {
        method: 'POST',
        path: API,
        headers: JSON_BODY,
        setupRequest: (request) => {
          created += 1;
          return {
            ...request,
            body: JSON.stringify({
              name: `bench-${runTag}-${created}`,
              url: `https://bench-${created}.${runTag}.example`,
              username: 'bench',
              password: `s3cret-${created}`,
              description: 'Created by the benchmark',
            }),
          };
        },
      },
    ],
  };
}

/** One run's raw counts and every response time (ms), which autocannon rounds to 1 ms itself. */
interface Run {
  raw: autocannon.RawResult;
  latencies: number[];
}

/** One autocannon run against one server. */
export async function runLoad(
  server: ServerProcess,
  scenario: Scenario,
  seconds: number,
  settings: LoadSettings,
): Promise<Run> {
  const latencies: number[] = [];
  const load = autocannon({
    url: server.baseUrl,
    connections: settings.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    headers: { authorization: `Bearer ${scenario.token ?? settings.token}` },
    requests: scenario.requests(),
    skipAggregateResult: true,
  });
  load.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  return { raw: await load, latencies };
}

/**
 * Warms every server up, then measures them in interleaved rounds (A B A B…) so that drift of
 * the machine falls on both alike. Percentiles are over all the rounds' responses together.
 */
export async function measure(
  scenario: Scenario,
  servers: ServerProcess[],
  settings: LoadSettings,
): Promise<Measurement[]> {
  if (settings.warmupSeconds > 0) {
    for (const server of servers) await runLoad(server, scenario, settings.warmupSeconds, settings);
  }
  const runs = servers.map(() => ({
    rounds: [] as Run[],
    peakRss: 0,
    cpuMs: 0,
    machine: { total: 0, stolen: 0 },
  }));
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const [index, server] of servers.entries()) {
      const run = runs[index];
      const stopSampling = server.sampleRss();
      const cpuBefore = server.cpuMs();
      const machineBefore = machineTicks();
      run.rounds.push(await runLoad(server, scenario, settings.durationSeconds, settings));
      const machineAfter = machineTicks();
      run.cpuMs += server.cpuMs() - cpuBefore;
      run.machine.total += machineAfter.total - machineBefore.total;
      run.machine.stolen += machineAfter.stolen - machineBefore.stolen;
      run.peakRss = Math.max(run.peakRss, stopSampling());
    }
  }
  return servers.map((server, index) => summarize(scenario.name, server.name, runs[index]));
}

function summarize(
  scenario: string,
  server: string,
  {
    rounds,
    peakRss,
    cpuMs,
    machine,
  }: { rounds: Run[]; peakRss: number; cpuMs: number; machine: { total: number; stolen: number } },
): Measurement {
  const raws = rounds.map((run) => run.raw);
  const all = sortedLatencies(rounds);
  const statusCodes: Record<string, number> = {};
  for (const raw of raws) {
    for (const [code, { count }] of Object.entries(raw.statusCodeStats)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  return {
    scenario,
    server,
    reqPerSec: rate(raws),
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    errors: sum(raws.map((raw) => raw.errors)),
    timeouts: sum(raws.map((raw) => raw.timeouts)),
    non2xx: sum(raws.map((raw) => raw.non2xx)),
    statusCodes,
    peakRssMb: peakRss / 2 ** 20,
    cpuMsPerRequest: cpuMs / Math.max(1, sum(raws.map((raw) => raw.totalCompletedRequests))),
    stolenPercent: machine.total > 0 ? (machine.stolen / machine.total) * 100 : 0,
    rounds: rounds.map((run) => {
      const latencies = sortedLatencies([run]);
      const round = (value: number): number => Math.round(value * 100) / 100;
      return {
        reqPerSec: round(rate([run.raw])),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
      };
    }),
  };
}

/** Responses per second over the measured time. */
function rate(raws: autocannon.RawResult[]): number {
  return sum(raws.map((raw) => raw.totalCompletedRequests)) / sum(raws.map((raw) => raw.duration));
}

function sortedLatencies(runs: Run[]): Float64Array {
  return Float64Array.from(runs.flatMap((run) => run.latencies)).sort();
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
