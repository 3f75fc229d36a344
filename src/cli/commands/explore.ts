/**
 * `tpusim explore`: runs a design-space sweep into a SQLite database (worker threads here, or a Redis
 * queue for many machines), reports its Pareto front, serves as a queue worker, merges shards.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { TpusimError, formatReadable, formatTable } from '../../index.js';
import { parseCommandArgs, positiveInteger, stringOption, UsageError, outputPaths } from '../args.js';
import { printJson, type Command } from '../command.js';
import { fileExists, processIo, readTextFile, writeFilesAtomically, type Io } from '../io.js';
import { mergeStores } from '../explore/merge.js';
import { paretoSvg } from '../explore/pareto-svg.js';
import { parseRedisUrl, startQueueExecutor, startQueueWorker } from '../explore/queue.js';
import { exportParquet } from '../explore/parquet.js';
import { describeTarget } from '../explore/redis-target.js';
import { exportCsv, reportSweep, type SweepReport } from '../explore/report.js';
import { openStoreFor, runChunks, type RunPlan, type RunSummary, type Shard } from '../explore/run-sweep.js';
import { SweepStore } from '../explore/store.js';
import { compileSpec, sweepModuleFromEnv } from '../explore/sweep-loader.js';
import { startExecutor } from '../explore/thread-pool.js';

const MAX_WORKERS = 256;
const MAX_CHUNK = 10_000_000;
const DEFAULT_LOCK_MS = 30_000;

const USAGE = `tpusim explore SPEC [--workers N] [--db FILE] [--resume] [--chunk N] [--shard i/N]
                    [--queue redis://HOST:PORT] [--json]
tpusim explore report DB [--svg FILE] [--csv FILE] [--parquet FILE] [--json]
tpusim explore worker --queue redis://HOST:PORT [--lock-ms N]
tpusim explore merge DB... -o DB [--json]

  SPEC       a sweep spec (YAML or JSON); results go to --db (default SPEC's name + .db)
  --workers  worker threads (default: the cores less one)
  --chunk    points per chunk, the unit of work and of commit (default 10000)
  --resume   continue an interrupted run of the same spec in --db
  --shard    run only chunks c with c mod N = i (batch schedulers), then 'explore merge'
  --queue    enqueue the chunks on Redis for 'explore worker' processes on any machine;
             redis://[USER:PASSWORD@]HOST:PORT[/DB]. Redis is given 4 tries over about 7 s (each
             connect times out after 5 s, a start 27 s at most) at the start and after a lost
             connection; then the run stops (exit 1), keeping what --db holds for --resume
  (a sweep of GEMM workloads only is evaluated as typed-array columns: same rows, much faster)
  report     the Pareto front of a database; --csv or --parquet exports every row (Parquet: typed
             columns, Snappy), --svg draws the front
  worker     evaluates queued chunks until stopped (Ctrl-C), or until Redis is lost for good (same
             tries as --queue; exit 1); --lock-ms: how soon the chunk of a worker that stopped
             answering goes to another (default 30000)
  merge      one database from the shard databases of one sweep`;

export const exploreCommand: Command = {
  name: 'explore',
  summary: 'sweep a design space into SQLite (threads or a Redis queue); Pareto report, merge',
  usage: USAGE,
  run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'report') return reportCommand(rest, io);
    if (sub === 'worker') return workerCommand(rest, io);
    if (sub === 'merge') return mergeCommand(rest, io);
    return runCommand(argv, io);
  },
};

function helpAsked(values: Readonly<Record<string, unknown>>, io: Io): boolean {
  if (values['help']) io.out(USAGE);
  return values['help'] === true;
}

function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--shard must be i/N (e.g. 0/4), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new UsageError(`--shard N must be at least 1, got '${text}'`);
  if (index >= count) throw new UsageError(`--shard i must be below N (0..${count - 1}), got '${text}'`);
  return { index, count };
}

async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('explore', argv, {
    workers: { type: 'string' },
    db: { type: 'string' },
    resume: { type: 'boolean' },
    chunk: { type: 'string' },
    shard: { type: 'string' },
    queue: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (helpAsked(values, io)) return 0;
  if (positionals.length !== 1)
    throw new UsageError(`explore needs one SPEC file, got ${positionals.length}; see 'tpusim explore --help'`);
  const specPath = positionals[0]!;
  const workersText = stringOption(values, 'workers');
  const workers =
    workersText === undefined
      ? Math.max(1, availableParallelism() - 1)
      : positiveInteger('--workers', workersText, MAX_WORKERS);
  const chunkText = stringOption(values, 'chunk');
  const queueText = stringOption(values, 'queue');
  const shard = parseShard(stringOption(values, 'shard'));
  if (queueText !== undefined && shard !== undefined)
    throw new UsageError('--queue and --shard do not go together: the queue hands out chunks itself');
  const connection = queueText === undefined ? undefined : parseRedisUrl(queueText);
  const plan: RunPlan = {
    specText: readTextFile(specPath, 'sweep spec'),
    fileName: basename(specPath),
    dbPath: stringOption(values, 'db') ?? `${specPath.replace(/\.(ya?ml|json)$/i, '')}.db`,
    chunkSize: chunkText === undefined ? undefined : positiveInteger('--chunk', chunkText, MAX_CHUNK),
    resume: values['resume'] === true,
    shard,
  };
  const sweepModule = sweepModuleFromEnv();
  const sweep = await compileSpec(plan.specText, plan.fileName, sweepModule);
  // The executor starts first, so a --queue that cannot be reached leaves no --db behind.
  const executor = connection
    ? await startQueueExecutor(connection, sweep, plan.specText, plan.fileName)
    : await startExecutor({ specText: plan.specText, fileName: plan.fileName, sweepModule }, sweep, workers);
  let summary: RunSummary;
  try {
    const store = openStoreFor(plan, sweep);
    try {
      const tty = io === processIo && process.stderr.isTTY === true;
      summary = await runChunks(store, plan, executor, {
        write: (t) => (tty ? process.stderr.write(t) : io.err(t.replace(/\n$/, ''))),
        tty,
        nowMs: () => performance.now(),
      });
    } catch (error) {
      throw resumeHint(error, plan.dbPath);
    } finally {
      store.close();
    }
  } finally {
    await executor.close();
  }
  if (values['json']) printJson(io, 'explore-run', { ...summary });
  else printRunSummary(io, summary, shard);
  return 0;
}

/** A run that lost its queue keeps every chunk it stored: say how to go on. */
function resumeHint(error: unknown, dbPath: string): unknown {
  if (!(error instanceof TpusimError) || error.code !== 'queue_lost') return error;
  return new TpusimError(
    error.code,
    `${error.message}; the chunks stored so far are in '${dbPath}': once Redis is back, run the same command ` +
      `with --resume`,
    { cause: error },
  );
}

function printRunSummary(io: Io, s: RunSummary, shard: Shard | undefined): void {
  io.out(
    `sweep ${s.hash}: ${s.rows.toLocaleString('en-US')} of ${s.count.toLocaleString('en-US')} points in '${s.db}'` +
      `${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`,
  );
  io.out(
    `${s.chunksRun} chunks of ${s.chunkSize} points run in ${s.seconds.toFixed(2)} s (` +
      `${Math.round(s.pointsPerS).toLocaleString('en-US')} points/s); ${s.feasible.toLocaleString('en-US')} ` +
      `feasible`,
  );
  if (s.best) io.out(`best ${s.best.objective} (${s.best.direction}): ${formatReadable(s.best.value)}`);
  io.out(`next: tpusim explore report ${s.db}`);
}

async function reportCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('explore report', argv, {
    svg: { type: 'string' },
    csv: { type: 'string' },
    parquet: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (helpAsked(values, io)) return 0;
  if (positionals.length !== 1)
    throw new UsageError(`explore report needs one DB file, got ${positionals.length}; see 'tpusim explore --help'`);
  const dbPath = positionals[0]!;
  if (!fileExists(dbPath)) throw new UsageError(`explore report: sweep database '${dbPath}' does not exist`);
  const outputs = outputPaths(values, ['svg', 'csv', 'parquet'] as const);
  const store = SweepStore.open(dbPath, true);
  try {
    const report = reportSweep(store);
    if (outputs.csv !== undefined) exportCsv(store, outputs.csv);
    if (outputs.parquet !== undefined) await exportParquet(store, outputs.parquet);
    if (outputs.svg !== undefined) writeFilesAtomically([{ path: outputs.svg, content: paretoSvg(report) }]);
    if (values['json']) printJson(io, 'explore-report', reportJson(report));
    else printReport(io, report);
  } finally {
    store.close();
  }
  return 0;
}

function reportJson(report: SweepReport): Record<string, unknown> {
  const { meta } = report;
  return {
    hash: meta.hash,
    spec: meta.fileName,
    count: meta.count,
    rows: report.rows,
    feasible: report.feasible,
    complete: report.rows === meta.count,
    knobs: meta.knobNames,
    objectives: meta.objectiveNames.map((name) => ({ name, direction: meta.directions[name] ?? 'min' })),
    front: report.front,
    finalists: report.finalists ?? [],
  };
}

const FRONT_ROWS_SHOWN = 50;

function printReport(io: Io, report: SweepReport): void {
  const { meta } = report;
  const missing = meta.count - report.rows;
  io.out(
    `sweep ${meta.hash} (${meta.fileName}): ${report.rows.toLocaleString('en-US')} of ` +
      `${meta.count.toLocaleString('en-US')} points` +
      `${missing > 0 ? ` (${missing.toLocaleString('en-US')} not run yet)` : ''}, ` +
      `${report.feasible.toLocaleString('en-US')} feasible`,
  );
  io.out(
    `Pareto front: ${report.front.length} designs (` +
      `${meta.objectiveNames.map((n) => `${n} ${meta.directions[n] ?? 'min'}`).join(', ')})`,
  );
  const header = ['#', ...meta.knobNames, ...meta.objectiveNames];
  const rows = report.front
    .slice(0, FRONT_ROWS_SHOWN)
    .map((r) => [
      r.index,
      ...meta.knobNames.map((n) => r.knobs[n] ?? '-'),
      ...meta.objectiveNames.map((n) =>
        r.objectives[n] === null || r.objectives[n] === undefined ? '-' : formatReadable(r.objectives[n]!),
      ),
    ]);
  if (rows.length > 0) io.out(formatTable(header, rows));
  if (report.front.length > FRONT_ROWS_SHOWN)
    io.out(`... ${report.front.length - FRONT_ROWS_SHOWN} more (--json or --csv for all)`);
  printFinalists(io, report);
}

function printFinalists(io: Io, report: SweepReport): void {
  const finalists = report.finalists ?? [];
  if (finalists.length === 0) return;
  io.out('');
  io.out(
    'Finalists on the cycle-level simulator (fold engine: one matrix unit, compute only, spread over all units ' +
      'at the sustained clock; gap = analytical / simulated - 1):',
  );
  const rows = finalists.flatMap((f) =>
    f.gaps.map((g) => [
      `${f.index}${f.knee ? ' (knee)' : ''}`,
      g.workload,
      `${g.m}x${g.n}x${g.k} ${g.dtype}`,
      formatReadable(g.analyticalS),
      formatReadable(g.simulatedS),
      `${g.gap >= 0 ? '+' : ''}${(100 * g.gap).toFixed(1)}%`,
    ]),
  );
  if (rows.length > 0)
    io.out(formatTable(['#', 'workload', 'GEMM (m x n x k)', 'analytical s', 'simulated s', 'gap'], rows));
  for (const note of [...new Set(finalists.flatMap((f) => f.notes))]) io.out(`  note: ${note}`);
}

function mergeCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parseCommandArgs('explore merge', argv, {
    output: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
  });
  if (helpAsked(values, io)) return 0;
  const output = stringOption(values, 'output');
  if (output === undefined)
    throw new UsageError("explore merge needs -o DB, the database to write; see 'tpusim explore --help'");
  if (positionals.length === 0) throw new UsageError('explore merge needs at least one DB to merge');
  const summary = mergeStores(positionals, output);
  if (values['json']) printJson(io, 'explore-merge', { ...summary, output });
  else
    io.out(
      `merged ${summary.inputs} databases of sweep ${summary.hash} into '${output}': ` +
        `${summary.rows.toLocaleString('en-US')} of ${summary.count.toLocaleString('en-US')} points, ` +
        `${summary.chunksDone} of ${summary.chunks} chunks`,
    );
  return 0;
}

async function workerCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('explore worker', argv, {
    queue: { type: 'string' },
    'lock-ms': { type: 'string' },
  });
  if (helpAsked(values, io)) return 0;
  if (positionals.length > 0)
    throw new UsageError(`explore worker takes no positional arguments, got '${positionals[0]}'`);
  const queueText = stringOption(values, 'queue');
  if (queueText === undefined) throw new UsageError('explore worker needs --queue redis://HOST:PORT');
  const lockText = stringOption(values, 'lock-ms');
  const lockMs = lockText === undefined ? DEFAULT_LOCK_MS : positiveInteger('--lock-ms', lockText, 3_600_000);
  const target = parseRedisUrl(queueText);
  const worker = await startQueueWorker({
    target,
    sweepModule: sweepModuleFromEnv(),
    lockMs,
    log: (t) => io.err(t),
  });
  io.err(`worker: waiting for chunks on ${describeTarget(target)} (Ctrl-C to stop)`);
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await Promise.race([stopped, worker.lost]);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await worker.close();
  }
  io.err('worker: stopped');
  return 0;
}
