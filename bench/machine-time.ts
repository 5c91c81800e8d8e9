import { readFileSync } from 'node:fs';

/** The machine's CPU time so far, in clock ticks (Linux /proc/stat, all cores together). */
export interface MachineTicks {
  total: number;
  /** Time the hypervisor gave to other guests while this machine had work to run (steal). */
  stolen: number;
}

/** The first line of /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice. */
export function machineTicks(): MachineTicks {
  try {
    const line = /^cpu\s+(.+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '';
    // guest and guest_nice are counted inside user and nice already.
    const ticks = line.split(/\s+/).slice(0, 8).map(Number);
    return { total: ticks.reduce((sum, value) => sum + value, 0), stolen: ticks[7] ?? 0 };
  } catch {
    return { total: 0, stolen: 0 };
  }
}
