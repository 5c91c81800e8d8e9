import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) that self time needs. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds between consecutive samples. */
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  selfMs: number;
  /** Of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** The time summarised: the profile after `fromMs`. */
  wallMs: number;
  skippedMs: number;
  busyMs: number;
  idleMs: number;
  functions: Cost[];
  packages: Cost[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Where a frame's code lives: an npm package, Node's internals, the service, or V8 itself. */
function packageOf(url: string, functionName: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: (core)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules !== null) return inModules[1];
  if (url.includes('/dist/src/')) return 'service (dist/src)';
  return url;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame'], root: string): string {
  const file = frame.url.replace(/^file:\/\//, '');
  const where =
    file === ''
      ? ''
      : ` ${file.startsWith('/') ? relative(root, file) : file}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function top(totals: Map<string, number>, busyMs: number, count: number): Cost[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, selfMs: round(ms), percent: round((ms / busyMs) * 100) }));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export interface SummaryOptions {
  /** Leave out the samples of the first milliseconds of the profile (start-up, warm-up). */
  fromMs?: number;
  /** Entries per list. */
  count?: number;
}

/** Self time by function and by package; a sample's time is the interval up to the next one. */
export function summarizeProfile(
  file: string,
  root: string,
  { fromMs = 0, count = 25 }: SummaryOptions = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idleMs = 0;
  let totalMs = 0;
  let elapsedMs = 0;
  profile.samples.forEach((id, index) => {
    elapsedMs += profile.timeDeltas[index] / 1000;
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || elapsedMs < fromMs) return;
    totalMs += ms;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    const name = frameName(frame, root);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  });
  const busyMs = totalMs - idleMs;
  return {
    file: relative(root, file),
    wallMs: round(totalMs),
    skippedMs: round(fromMs),
    busyMs: round(busyMs),
    idleMs: round(idleMs),
    functions: top(functions, busyMs, count),
    packages: top(packages, busyMs, count),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const table = (title: string, costs: Cost[]): string =>
    [
      title,
      ...costs.map(
        (cost) =>
          `  ${cost.selfMs.toFixed(1).padStart(9)} ms ${cost.percent.toFixed(1).padStart(5)} %  ${cost.name}`,
      ),
    ].join('\n');
  return [
    `Profile ${summary.file}: ${summary.wallMs} ms summarised after skipping the first ${summary.skippedMs} ms (start-up, warm-up); ${summary.busyMs} ms busy, ${summary.idleMs} ms idle`,
    table('Self time by package (% of busy time):', summary.packages),
    table('Self time by function (% of busy time):', summary.functions),
  ].join('\n\n');
}

// `node bench/dist/bench/cpuprofile.js <file.cpuprofile> [ms]` summarises any profile.
if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('Usage: node bench/dist/bench/cpuprofile.js <file.cpuprofile> [skip first ms]');
    process.exit(2);
  }
  const fromMs = Number(process.argv[3] ?? 0);
  console.log(formatProfile(summarizeProfile(file, process.cwd(), { fromMs })));
}
