import { parseArgs } from 'node:util';

export type BenchMode = 'full' | 'quick' | 'profile';

export const PROFILE_SCENARIOS = ['list', 'get', 'update', 'create', 'credentials'] as const;
export type ProfileScenario = (typeof PROFILE_SCENARIOS)[number];

export interface BenchOptions {
  mode: BenchMode;
  /** Registries seeded before the main scenarios (half of them with an encrypted password). */
  seedRows: number;
  /** autocannon connections, kept open for the whole measurement. */
  connections: number;
  warmupSeconds: number;
  /** One measurement of one server. */
  durationSeconds: number;
  /** Measurements per server, interleaved: service, baseline, service, baseline… */
  rounds: number;
  /** Table sizes for the page-1 latency; the last page is measured at the largest. */
  scaleRows: number[];
  /** A MariaDB/MySQL server URL without a database; a fresh database is created in it. */
  mysqlUrl: string;
  /** The load the service runs under --cpu-prof in profile mode. */
  profileScenario: ProfileScenario;
}

/** A wrong command line: reported with the usage, without a stack. */
export class UsageError extends Error {}

const USAGE = `Usage: npm run bench [-- --quick | --profile [--scenario S]] [--rows N]
  (default)   the full benchmark: service against baseline, SQLite, scale; writes bench/results/<date>.json
  --quick     short runs, one round, small tables: fails on any error or non-2xx answer (< 1 minute)
  --profile   runs the service under one scenario's load with node --cpu-prof and summarises the profile
  --scenario  with --profile: ${PROFILE_SCENARIOS.join(', ')} (default list)
  --rows N    registries seeded for the main scenarios (default 1000)
Environment: BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseCommandLine(argv);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.quick && values.profile)
    throw new UsageError(`--quick and --profile exclude each other\n${USAGE}`);
  const mode: BenchMode = values.quick ? 'quick' : values.profile ? 'profile' : 'full';
  const profileScenario = values.scenario ?? 'list';
  if (!isProfileScenario(profileScenario) || (values.scenario !== undefined && !values.profile)) {
    throw new UsageError(
      `--scenario takes one of ${PROFILE_SCENARIOS.join(', ')}, with --profile\n${USAGE}`,
    );
  }
  const quick = mode === 'quick';
  const seedRows = values.rows === undefined ? (quick ? 200 : 1_000) : Number(values.rows);
  if (!Number.isInteger(seedRows) || seedRows < 100) {
    throw new UsageError(`--rows must be an integer of at least 100\n${USAGE}`);
  }
  return {
    mode,
    seedRows,
    connections: 10,
    warmupSeconds: quick ? 0.5 : 5,
    durationSeconds: quick ? 1 : 5,
    rounds: quick ? 1 : 4,
    scaleRows: quick ? [10, 1_000] : [10, 10_000, 100_000],
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    profileScenario,
  };
}

function parseCommandLine(argv: string[]): {
  values: { quick: boolean; profile: boolean; scenario?: string; rows?: string; help: boolean };
} {
  try {
    return parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        scenario: { type: 'string' },
        rows: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

function isProfileScenario(name: string): name is ProfileScenario {
  return (PROFILE_SCENARIOS as readonly string[]).includes(name);
}
