/**
 * The benchmark: the service (NestJS, TypeORM) against the baseline (node:http, mysql2) on one
 * fresh MariaDB database, then the service on SQLite, then list latency as the table grows.
 * `npm run bench [-- --quick | --profile [--scenario S]]`; see bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { KeyRing } from '../src/crypto/key-ring';
import { checkSameAnswers, type CheckResult } from './checks';
import { formatProfile, summarizeProfile } from './cpuprofile';
import { createMysqlDatabase, dropMysqlDatabase, openMigrated, Seeder } from './database';
import { startLocalRegistry } from './local-registry';
import {
  allCredentialsScenario,
  createScenario,
  getScenario,
  type LoadSettings,
  listScenario,
  measure,
  resolveWithCheckScenario,
  runLoad,
  type Scenario,
  updateScenario,
} from './load';
import { type BenchOptions, parseOptions, UsageError } from './options';
import {
  type BenchReport,
  compareResults,
  failures,
  formatTable,
  type ScenarioResult,
  writeReport,
} from './report';
import { ServerProcess, type ServerSpec } from './servers';
import { formatVerdicts, judgeTargets } from './targets';
import { CREDENTIALS_SCOPE, READ_WRITE_SCOPE, signToken } from './token';

/** This file runs as bench/dist/bench/run.js. */
const ROOT = resolve(__dirname, '../../..');
const RESULTS = join(ROOT, 'bench/results');
const SERVICE_SCRIPT = 'dist/src/main.js';
const BASELINE_SCRIPT = 'bench/dist/bench/baseline.js';

/** Undo steps, run last-in first-out at the end, on failure and on Ctrl-C. */
class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  async runAll(): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup "${step.name}" failed: ${String(error)}`);
      }
    }
  }
}

const started = performance.now();
function log(message: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

interface Secrets {
  jwtSecret: string;
  encryptionKey: string;
}

/** What both servers get: production mode with every secret given, and nothing else inherited. */
function serverEnv(secrets: Secrets, databaseUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    JWT_SECRET: secrets.jwtSecret,
    ENCRYPTION_KEY: secrets.encryptionKey,
    DATABASE_URL: databaseUrl,
  };
}

async function startServer(spec: ServerSpec, cleanup: Cleanup): Promise<ServerProcess> {
  log(`starting ${spec.name}: node ${[...(spec.nodeArgs ?? []), spec.script].join(' ')}`);
  const server = await ServerProcess.start(spec, ROOT);
  cleanup.add(`stop ${spec.name}`, () => server.stop());
  log(`${spec.name} ready at ${server.baseUrl} (pid ${server.pid})`);
  return server;
}

async function databaseVersion(serverUrl: string): Promise<string> {
  const connection = await createConnection(serverUrl);
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0].v);
  } finally {
    await connection.end();
  }
}

/** A fresh MariaDB database, migrated by the service's migrations and seeded; dropped at the end. */
async function prepareMysql(
  options: BenchOptions,
  keyRing: KeyRing,
  cleanup: Cleanup,
): Promise<{ url: string; seeder: Seeder }> {
  const database = await createMysqlDatabase(options.mysqlUrl);
  cleanup.add(`drop database ${database.name}`, () =>
    dropMysqlDatabase(options.mysqlUrl, database.name),
  );
  log(`database ${database.name}: migrations, then ${options.seedRows} registries`);
  const dataSource = await openMigrated({ type: 'mysql', url: database.url, poolSize: 2 });
  cleanup.add('close the seeding connection', () => dataSource.destroy());
  const seeder = new Seeder(dataSource, keyRing);
  await seeder.seedUpTo(options.seedRows);
  return { url: database.url, seeder };
}

function machine(databaseVersionText: string): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    database: databaseVersionText,
  };
}

async function benchmark(options: BenchOptions, cleanup: Cleanup): Promise<number> {
  const startedAt = new Date().toISOString();
  const secrets: Secrets = {
    jwtSecret: randomBytes(32).toString('hex'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  const keyRing = KeyRing.fromBase64(secrets.encryptionKey);
  const { url, seeder } = await prepareMysql(options, keyRing, cleanup);
  const env = serverEnv(secrets, url);
  const service = await startServer({ name: 'service', script: SERVICE_SCRIPT, env }, cleanup);
  const baseline = await startServer({ name: 'baseline', script: BASELINE_SCRIPT, env }, cleanup);

  const token = signToken(secrets.jwtSecret, READ_WRITE_SCOPE);
  const checks: CheckResult[] = await checkSameAnswers(
    service,
    baseline,
    {
      readWrite: token,
      credentials: signToken(secrets.jwtSecret, CREDENTIALS_SCOPE),
      audit: signToken(secrets.jwtSecret, 'registries:audit'),
    },
    options.seedRows,
  );
  for (const check of checks) {
    log(
      `check ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? `\n${check.detail}` : ''}`,
    );
  }
  if (checks.some((check) => !check.ok)) {
    throw new Error('the baseline does not answer like the service; the comparison would be void');
  }

  const settings: LoadSettings = { ...options, token };
  const scenarios: ScenarioResult[] = [];
  const run = async (scenario: Scenario, servers: ServerProcess[]): Promise<ScenarioResult> => {
    log(`${scenario.name}: ${servers.map((server) => server.name).join(' vs ')}`);
    const result = compareResults(await measure(scenario, servers, settings));
    scenarios.push(result);
    const rate = (m = result.service): string => `${m.reqPerSec.toFixed(0)} req/s`;
    log(
      `  ${rate()}${result.baseline ? ` vs ${rate(result.baseline)} (${result.ratio?.toFixed(2)}×)` : ''}`,
    );
    return result;
  };

  const list = await run(listScenario('list page 1'), [service, baseline]);
  const get = await run(getScenario(options.seedRows), [service, baseline]);
  const update = await run(updateScenario(options.seedRows), [service, baseline]);
  // Service only: the baseline has neither. Before `create` adds registries with passwords.
  await run(
    allCredentialsScenario(options.seedRows, signToken(secrets.jwtSecret, CREDENTIALS_SCOPE)),
    [service],
  );
  const registry = await startLocalRegistry(service.baseUrl, token);
  if (typeof registry === 'string') {
    log(`resolve with check: skipped, ${registry}`);
  } else {
    cleanup.add('stop the local registry', () => registry.stop());
    await run(resolveWithCheckScenario(registry.image), [service]);
    await registry.stop();
  }
  const create = await run(createScenario(randomBytes(3).toString('hex')), [service, baseline]);

  const sqliteDirectory = mkdtempSync(join(tmpdir(), 'irs-bench-'));
  cleanup.add('remove the SQLite directory', () =>
    rmSync(sqliteDirectory, { recursive: true, force: true }),
  );
  const sqlitePath = join(sqliteDirectory, 'bench.sqlite');
  const sqlite = await openMigrated({ type: 'sqlite', path: sqlitePath });
  await new Seeder(sqlite, keyRing).seedUpTo(options.seedRows);
  await sqlite.destroy();
  const sqliteService = await startServer(
    { name: 'service', script: SERVICE_SCRIPT, env: serverEnv(secrets, `sqlite:${sqlitePath}`) },
    cleanup,
  );
  await run(listScenario('list page 1, SQLite (service only)'), [sqliteService]);
  await sqliteService.stop();

  await seeder.truncate();
  const byTableSize: ScenarioResult[] = [];
  for (const rows of options.scaleRows) {
    log(`table at ${rows} rows`);
    await seeder.seedUpTo(rows);
    byTableSize.push(await run(listScenario(`list page 1 @ ${rows} rows`), [service, baseline]));
  }
  const largest = seeder.count;
  await run(listScenario(`list last page @ ${largest} rows`, Math.ceil(largest / 10)), [
    service,
    baseline,
  ]);

  console.log(`\n${formatTable(scenarios)}\n`);
  const problems = failures(scenarios);
  problems.forEach((problem) => console.error(`FAILED ${problem}`));
  if (options.mode === 'quick') {
    // One-second runs on a cold server: fit to find errors, not to judge speed.
    log(problems.length === 0 ? 'quick check passed: no errors, no non-2xx' : 'quick check FAILED');
    return problems.length === 0 ? 0 : 1;
  }
  const verdicts = judgeTargets({
    list,
    get,
    update,
    create,
    smallTable: byTableSize[0],
    largeTable: byTableSize[byTableSize.length - 1],
  });
  console.log(`Targets:\n${formatVerdicts(verdicts)}\n`);
  const report = await reportOf(options, startedAt, { checks, scenarios, verdicts });
  log(`results written to ${await writeReport(RESULTS, report)}`);
  const missed = verdicts.filter((verdict) => !verdict.met).length;
  if (missed > 0) log(`${missed} target(s) not met`);
  return problems.length === 0 && missed === 0 ? 0 : 1;
}

/** The load each `--profile --scenario` names. */
function profiledScenario(options: BenchOptions, jwtSecret: string): Scenario {
  const name = (scenario: Scenario): Scenario => ({
    ...scenario,
    name: `${scenario.name} (under --cpu-prof)`,
  });
  switch (options.profileScenario) {
    case 'list':
      return name(listScenario('list page 1'));
    case 'get':
      return name(getScenario(options.seedRows));
    case 'update':
      return name(updateScenario(options.seedRows));
    case 'create':
      return name(createScenario(randomBytes(3).toString('hex')));
    case 'credentials':
      return name(
        allCredentialsScenario(options.seedRows, signToken(jwtSecret, CREDENTIALS_SCOPE)),
      );
  }
}

/** The service alone under one scenario's load with `node --cpu-prof`; summarises the profile. */
async function profile(options: BenchOptions, cleanup: Cleanup): Promise<number> {
  const startedAt = new Date().toISOString();
  const secrets: Secrets = {
    jwtSecret: randomBytes(32).toString('hex'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  const { url } = await prepareMysql(options, KeyRing.fromBase64(secrets.encryptionKey), cleanup);
  const directory = join(RESULTS, 'profiles');
  mkdirSync(directory, { recursive: true });
  const before = new Set(readdirSync(directory));
  const spawnedAt = performance.now();
  const service = await startServer(
    {
      name: 'service',
      script: SERVICE_SCRIPT,
      env: serverEnv(secrets, url),
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${directory}`],
    },
    cleanup,
  );
  const settings: LoadSettings = {
    ...options,
    // One round as long as a full scenario's rounds together, for as many samples.
    durationSeconds: options.durationSeconds * options.rounds,
    rounds: 1,
    warmupSeconds: 0, // done here, so that the profile can be cut where the measurement starts
    token: signToken(secrets.jwtSecret, READ_WRITE_SCOPE),
  };
  const scenario = profiledScenario(options, secrets.jwtSecret);
  log(`warm-up ${options.warmupSeconds} s, then ${settings.durationSeconds} s of ${scenario.name}`);
  await runLoad(service, scenario, options.warmupSeconds, settings);
  const loadFromMs = performance.now() - spawnedAt;
  const result = compareResults(await measure(scenario, [service], settings));
  await service.stop(); // node writes the profile as the process exits
  const file = readdirSync(directory).find(
    (name) => !before.has(name) && name.endsWith('.cpuprofile'),
  );
  if (file === undefined) throw new Error(`no new .cpuprofile in ${directory}`);
  const summary = summarizeProfile(join(directory, file), ROOT, { fromMs: loadFromMs });
  console.log(`\n${formatTable([result])}\n\n${formatProfile(summary)}\n`);
  const report = await reportOf(options, startedAt, {
    checks: [],
    scenarios: [result],
    profile: summary,
  });
  log(`results written to ${await writeReport(RESULTS, report, '-profile')}`);
  return failures([result]).length === 0 ? 0 : 1;
}

/** A run's results with what they were measured on and with. */
async function reportOf(
  options: BenchOptions,
  startedAt: string,
  results: Pick<BenchReport, 'checks' | 'scenarios' | 'verdicts' | 'profile'>,
): Promise<BenchReport> {
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: options.mode,
    machine: machine(await databaseVersion(options.mysqlUrl)),
    settings: { ...options, mysqlUrl: undefined },
    ...results,
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  for (const script of [SERVICE_SCRIPT, BASELINE_SCRIPT]) {
    if (!existsSync(join(ROOT, script))) throw new Error(`${script} is missing: run npm run bench`);
  }
  const cleanup = new Cleanup();
  const interrupt = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the servers and dropping the database`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return options.mode === 'profile'
      ? await profile(options, cleanup)
      : await benchmark(options, cleanup);
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
