/**
 * CPU time the hypervisor gave to other guests while this machine wanted it ("steal" in /proc/stat).
 *
 * The benchmark machine is a shared 2-core VM. Its wall times moved by up to 60 % between identical
 * runs, and the runs that were slow were the ones with steal: a 1M-order bulk ingest took 95.6 s with
 * 0.7 s stolen and 162.6 s with 101 s stolen. Each benchmark prints what was stolen during its timed
 * part, so a figure is read with the machine's state beside it. Linux only; elsewhere it says unknown.
 */
import { readFileSync } from "node:fs";

/** Kernel ticks per second of /proc/stat's counters (USER_HZ, 100 on Linux for every mainstream arch). */
const USER_HZ = 100;

/** Stolen CPU time so far, in seconds summed over every core, or null when the system does not say. */
function stolenCpuSeconds(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n").find((row) => row.startsWith("cpu "));
    // cpu user nice system idle iowait irq softirq steal ...
    const steal = Number(line?.trim().split(/\s+/)[8]);
    return Number.isFinite(steal) ? steal / USER_HZ : null;
  } catch {
    return null;
  }
}

/** Starts a measurement; the returned function describes the steal since, e.g. "12.3 s of CPU stolen". */
export function measureSteal(): () => string {
  const start = stolenCpuSeconds();
  return () => {
    const end = stolenCpuSeconds();
    if (start === null || end === null) return "CPU steal unknown (no /proc/stat)";
    return `${(end - start).toFixed(1)} s of CPU stolen by the hypervisor (all cores)`;
  };
}
