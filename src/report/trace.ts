/**
 * Chrome / Perfetto trace JSON ("Trace Event Format", complete events with ph "X"): one track per unit,
 * timestamps in microseconds, so ui.perfetto.dev and chrome://tracing show the machine's timeline.
 */
import type { TraceEvent } from '../sim/chip/machine.js';

export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args: Readonly<Record<string, string | number>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Readonly<Record<string, string | number>>;
}

/** Tracks in a readable order: front end, links, then each core's units. */
function trackOrder(a: string, b: string): number {
  const rank = (t: string): string =>
    t === 'front-end' ? '0' : t === 'pcie' || t === 'dram' || t === 'onchip' ? `1${t}` : `2${t}`;
  return rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0;
}

export function chromeTrace(events: readonly TraceEvent[], clockHz: number, label: string): ChromeTrace {
  const tracks = [...new Set(events.map((e) => e.track))].sort(trackOrder);
  const tid = new Map(tracks.map((t, i) => [t, i + 1]));
  const us = (cycles: number): number => Number(((cycles / clockHz) * 1e6).toFixed(6));
  const metadata: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: label } },
    ...tracks.flatMap((t) => [
      { name: 'thread_name', ph: 'M' as const, pid: 1, tid: tid.get(t)!, args: { name: t } },
      { name: 'thread_sort_index', ph: 'M' as const, pid: 1, tid: tid.get(t)!, args: { sort_index: tid.get(t)! } },
    ]),
  ];
  const complete: ChromeTraceEvent[] = events.map((e) => ({
    name: e.name,
    cat: e.track,
    ph: 'X',
    pid: 1,
    tid: tid.get(e.track)!,
    ts: us(e.startCycle),
    dur: us(e.endCycle - e.startCycle),
    args: {
      startCycle: e.startCycle,
      endCycle: e.endCycle,
      ...(e.instruction !== undefined ? { instruction: e.instruction } : {}),
    },
  }));
  return {
    traceEvents: [...metadata, ...complete],
    displayTimeUnit: 'ns',
    otherData: { generator: 'tpusim', clockHz },
  };
}
