#!/usr/bin/env node
// ONNX's backend node tests through tpusim's importer and fp32 reference evaluator: prints, per op, the
// tests that pass, fail (each a bug) and are unsupported (with the reason); and, for every test the
// importer reads, the compiled program in bf16 on tpu-v4 (chip: pass, fail, not compilable with the
// compiler's reason). Needs dist/ (npm run onnx-conformance builds it) and either a folder of node tests
// or Debian's python3-onnx to generate them.
// node scripts/onnx-conformance.mjs [--data DIR] [--json] [--write-passing FILE] [--write-chip-passing FILE]
// [--verbose]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { CONFORMANCE_TOLERANCE, runNodeTest, tallyByOp } = await import(join(root, 'dist/graph/onnx/conformance.js'));
const { CHIP_CONFORMANCE_TOLERANCE, runNodeTestOnChip } = await import(join(root, 'dist/run/node-test-chip.js'));
const { getChipPreset } = await import(join(root, 'dist/arch/presets/index.js'));
const CHIP = 'tpu-v4';
/** Chip failures that bf16 itself explains, not the compiler: counted apart, each with its reason. */
const EXPECTED_CHIP_FAILURES = {
  test_softmax_large_number:
    'bf16 inputs: 10000..10003 round to one bf16 value (spacing 64 between 8192 and 16384), so the softmax of ' +
    'that row is uniform; an fp32 input path would be needed',
};

function option(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`onnx-conformance: ${name} needs a value`);
    process.exit(2);
  }
  return value;
}

/** test_data_set_0's input_<i>.pb or output_<i>.pb, in index order. */
function numbered(dir, prefix) {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.pb'));
  return files
    .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
    .map((f) => readFileSync(join(dir, f)));
}

export function readNodeTests(nodeDir) {
  return readdirSync(nodeDir)
    .sort()
    .map((name) => {
      const data = join(nodeDir, name, 'test_data_set_0');
      return {
        name,
        model: readFileSync(join(nodeDir, name, 'model.onnx')),
        inputs: numbered(data, 'input_'),
        outputs: numbered(data, 'output_'),
      };
    });
}

function generate() {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-node-tests-'));
  try {
    execFileSync('/usr/bin/python3', [join(root, 'scripts/onnx-node-tests.py'), dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    console.error(
      `onnx-conformance: could not generate ONNX's node tests (${String(error.stderr ?? error.message)
        .trim()
        .split('\n')
        .pop()}); install Debian's python3-onnx (apt-get install python3-onnx) or pass --data DIR`,
    );
    process.exit(1);
  }
  return dir;
}

const given = option('--data');
if (given !== undefined && !existsSync(join(given, 'node'))) {
  console.error(`onnx-conformance: --data ${given} has no node/ folder (it should hold node/<test>/model.onnx)`);
  process.exit(2);
}
const dataDir = given ?? generate();
const tests = readNodeTests(join(dataDir, 'node'));
if (given === undefined) rmSync(dataDir, { recursive: true, force: true });
const results = tests.map((t) => runNodeTest(t));
const chip = getChipPreset(CHIP);
const chipResults = tests.flatMap((t) => runNodeTestOnChip(t, chip, 'bf16') ?? []);
const tally = tallyByOp(results);
const chipTally = new Map(tallyByOp(chipResults).map((t) => [t.op, t]));
const writeTo = option('--write-passing');
if (writeTo !== undefined) {
  const passing = results.filter((r) => r.status === 'pass').map((r) => r.name);
  writeFileSync(writeTo, `${JSON.stringify({ tolerance: CONFORMANCE_TOLERANCE, passing }, null, 1)}\n`);
}
const writeChipTo = option('--write-chip-passing');
if (writeChipTo !== undefined) {
  const passing = chipResults.filter((r) => r.status === 'pass').map((r) => r.name);
  writeFileSync(
    writeChipTo,
    JSON.stringify(
      {
        chip: CHIP,
        dtype: 'bf16',
        tolerance: CHIP_CONFORMANCE_TOLERANCE,
        passing,
        expectedFailures: EXPECTED_CHIP_FAILURES,
      },
      null,
      1,
    ) + `\n`,
  );
}

if (process.argv.includes('--json')) {
  const chipOps = [...chipTally.values()].map(({ op, pass, fail, unsupported, problems }) => ({
    op,
    pass,
    fail,
    notCompilable: unsupported,
    problems: problems.map((p) =>
      p.name in EXPECTED_CHIP_FAILURES ? { ...p, expected: EXPECTED_CHIP_FAILURES[p.name] } : p,
    ),
  }));
  console.log(
    JSON.stringify(
      {
        schemaVersion: 1,
        tolerance: CONFORMANCE_TOLERANCE,
        ops: tally,
        chip: { chip: CHIP, dtype: 'bf16', tolerance: CHIP_CONFORMANCE_TOLERANCE, ops: chipOps },
      },
      null,
      1,
    ),
  );
} else {
  const verbose = process.argv.includes('--verbose');
  const firstReason = (t) => (t.problems[0]?.reason ?? '').split('\n')[0].slice(0, 110);
  console.log(
    `ONNX backend node tests through tpusim's importer and fp32 reference (pass: |x - expected| <= ` +
      `${CONFORMANCE_TOLERANCE.atol} + ${CONFORMANCE_TOLERANCE.rtol} |expected|)`,
  );
  console.log(
    `chip columns: compiled for ${CHIP} in bf16 and run on the simulator (pass: relative L2 error <= ` +
      `${CHIP_CONFORMANCE_TOLERANCE.relativeL2}; n/c: not compilable)`,
  );
  const n = (x) => String(x).padStart(5);
  console.log(
    `${'op'.padEnd(32)} ${n('pass')} ${n('fail')} ${n('unsup')} | ${n('chip')} ${n('fail')} ${n('n/c')}  first ` +
      `problem (fp32; else chip)`,
  );
  for (const t of tally) {
    const c = chipTally.get(t.op);
    const chipCells = c ? `${n(c.pass)} ${n(c.fail)} ${n(c.unsupported)}` : `${n('-')} ${n('-')} ${n('-')}`;
    const reason = firstReason(t) || (c ? firstReason(c) : '');
    console.log(`${t.op.padEnd(32)} ${n(t.pass)} ${n(t.fail)} ${n(t.unsupported)} | ${chipCells}  ${reason}`);
    if (verbose) for (const p of t.problems) console.log(`    ${p.status} ${p.name}: ${p.reason.split('\n')[0]}`);
    if (verbose && c)
      for (const p of c.problems)
        console.log(
          `    chip ` +
            (p.status === 'unsupported'
              ? 'not compilable'
              : p.name in EXPECTED_CHIP_FAILURES
                ? 'fail (expected)'
                : p.status) +
            ` ` +
            `${p.name}: ${p.reason.split('\n')[0]}`,
        );
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  const supportedOps = tally.filter((t) => t.pass + t.fail > 0);
  console.log(
    `\n${results.length} tests: ${count('pass')} pass, ${count('fail')} fail, ${count('unsupported')} ` +
      `unsupported; ops with a supported test: ${supportedOps.length}, of which all pass: ` +
      `${supportedOps.filter((t) => t.fail === 0).length}`,
  );
  const chipCount = (s) => chipResults.filter((r) => r.status === s).length;
  const expected = chipResults.filter((r) => r.status === 'fail' && r.name in EXPECTED_CHIP_FAILURES);
  console.log(
    `on ${CHIP} (bf16): ${chipResults.length} tests imported, ${chipCount('pass')} pass, ${chipCount('fail')} ` +
      `fail (${expected.length} expected: ${expected.map((r) => r.name).join(', ') || 'none'}), ` +
      `${chipCount('unsupported')} not compilable`,
  );
  for (const r of expected) console.log(`  expected: ${r.name}: ${EXPECTED_CHIP_FAILURES[r.name]}`);
}
