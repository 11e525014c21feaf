import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
