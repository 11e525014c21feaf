import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface MachineInfo {
  host: string;
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  platform: string;
  /** 'tensorflow' when @tensorflow/tfjs-node is installed (native), else 'cpu' (pure JS). */
  tfjsBackend: string;
  tfjsVersion: string;
}

const require = createRequire(import.meta.url);

function cpuModel(): string {
  try {
    const fields = new Map(
      readFileSync('/proc/cpuinfo', 'utf8')
        .split('\n\n')[0]
        .split('\n')
        .map((line) => line.split(':').map((part) => part.trim()) as [string, string]),
    );
    const name = fields.get('model name');
    // VMs often report a bare "AMD EPYC": family/model and clock tell the generation apart.
    const mhz = Math.round(Number(fields.get('cpu MHz')));
    if (name) return `${name} (family ${fields.get('cpu family')} model ${fields.get('model')}, ${mhz} MHz)`;
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function installedVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  // The same rule as src/train/tf.ts: the native binding when it is installed, else pure JS.
  const nativeVersion = installedVersion('@tensorflow/tfjs-node');
  return {
    host: os.hostname(),
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    tfjsBackend: nativeVersion ? 'tensorflow (tfjs-node)' : 'cpu (pure JS)',
    tfjsVersion: nativeVersion ?? installedVersion('@tensorflow/tfjs') ?? 'unknown',
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, tfjs ${m.tfjsVersion} backend ${m.tfjsBackend}`;
}

/** 1-, 5- and 15-minute load averages, rounded. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = os.loadavg().map((x) => Math.round(x * 100) / 100);
  return [one, five, fifteen];
}

/** A 1-minute load above the core count means other work competed with the benchmark for CPU. */
export function isBusy(load: readonly number[], cores = os.availableParallelism()): boolean {
  return load[0] > cores;
}

/** Samples the 1-minute load average every few seconds while a benchmark runs; stop() returns the samples. */
export function sampleLoad(everyMs = 5000): { stop(): number[] } {
  const samples = [loadAverage()[0]];
  const timer = setInterval(() => samples.push(loadAverage()[0]), everyMs);
  // Sampling must never keep the process alive on its own.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadAverage()[0]);
      return samples;
    },
  };
}

export interface SourceState {
  commit: string;
  /** Uncommitted changes in the tree the benchmarks ran (others may be editing it at the same time). */
  modified: string[];
}

export function sourceState(cwd: string): SourceState {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      // Porcelain lines are "XY path": the status columns may start with a space, so no trimming.
      modified: git('status', '--porcelain', '--untracked-files=no')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(3)),
    };
  } catch {
    return { commit: 'unknown', modified: [] };
  }
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s almost everywhere. */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcessTicks {
  parent: number;
  /** utime + stime. */
  ticks: number;
}

function readProcesses(): Map<number, ProcessTicks> {
  const processes = new Map<number, ProcessTicks>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return processes; // not Linux
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.set(Number(pid), {
        parent: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // exited meanwhile
    }
  }
  return processes;
}

function isOurs(pid: number, processes: Map<number, ProcessTicks>): boolean {
  for (let current = pid; current > 1; current = processes.get(current)?.parent ?? 0) {
    if (current === process.pid) return true;
  }
  return false;
}

export interface ForeignCpu {
  /** CPU cores used on average by processes outside this benchmark's process tree. */
  meanCores: number;
  /** The highest of the per-interval averages. */
  peakCores: number;
}

/**
 * How much CPU everything else on the machine used while a benchmark ran (other people's tests,
 * kernel threads): unlike the load average, this leaves out the benchmark's own processes.
 */
export function sampleForeignCpu(everyMs = 2000): { stop(): ForeignCpu } {
  let previous = readProcesses();
  let previousAt = performance.now();
  const perInterval: { cores: number; seconds: number }[] = [];
  const sample = () => {
    const now = readProcesses();
    const at = performance.now();
    let ticks = 0;
    for (const [pid, info] of now) {
      if (isOurs(pid, now)) continue;
      // A process started since the last sample counts from zero.
      ticks += info.ticks - (previous.get(pid)?.ticks ?? 0);
    }
    const seconds = (at - previousAt) / 1000;
    if (seconds > 0.2) perInterval.push({ cores: ticks / CLOCK_TICKS_PER_SECOND / seconds, seconds });
    previous = now;
    previousAt = at;
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const seconds = perInterval.reduce((total, p) => total + p.seconds, 0);
      const busy = perInterval.reduce((total, p) => total + p.cores * p.seconds, 0);
      const round = (x: number) => Math.round(x * 100) / 100;
      return {
        meanCores: round(seconds > 0 ? busy / seconds : 0),
        peakCores: round(Math.max(0, ...perInterval.map((p) => p.cores))),
      };
    },
  };
}
