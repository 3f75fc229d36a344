/**
 * The public API: the main entry points' signatures as types (`expectTypeOf`, checked by
 * `tsc -p tsconfig.test.json` in `npm test` and at run time by vitest), explicit named exports in
 * src/index.ts, and the UI importing only the `tpusim/web` entry (src/web.ts), itself a part of the public API.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../src/index.js';
import {
  chipCost,
  compileGraph,
  estimateGraph,
  getChipPreset,
  loadChip,
  loadSystem,
  parseChip,
  planTrainingRun,
  runProgram,
  searchPlans,
  servingPoint,
  tcoPerChip,
  trainingStep,
  type ChipCost,
  type ChipCostOptions,
  type ChipSpec,
  type CompiledModel,
  type CompileOptions,
  type CostBook,
  type CostTrace,
  type EstimateOptions,
  type Graph,
  type GraphEstimate,
  type Program,
  type ProgramRun,
  type Result,
  type RunProgramOptions,
  type SearchOptions,
  type SearchResult,
  type ServingContext,
  type ServingPoint,
  type SystemSpec,
  type TcoBreakdown,
  type TcoInput,
  type TrainingOptions,
  type TrainingPlan,
  type TrainingRun,
  type TrainingRunInput,
  type TrainingStep,
  type TransformerModel,
} from '../src/index.js';
import * as web from '../src/web.js';

const ROOT = join(import.meta.dirname, '..');

describe('public API signatures', () => {
  it('reads chips and systems from text: throwing and result-returning variants', () => {
    expectTypeOf(loadChip).parameters.toEqualTypeOf<[text: string, fileName?: string]>();
    expectTypeOf(loadChip).returns.toEqualTypeOf<ChipSpec>();
    expectTypeOf(parseChip).returns.toEqualTypeOf<Result<ChipSpec>>();
    expectTypeOf(loadSystem).returns.toEqualTypeOf<SystemSpec>();
    expectTypeOf(getChipPreset).toEqualTypeOf<(name: string) => ChipSpec>();
  });

  it('estimates, compiles and simulates a graph on a chip', () => {
    expectTypeOf(estimateGraph).toEqualTypeOf<
      (graph: Graph, chip: ChipSpec, options?: EstimateOptions) => GraphEstimate
    >();
    expectTypeOf(compileGraph).toEqualTypeOf<
      (graph: Graph, chip: ChipSpec, options?: CompileOptions) => CompiledModel
    >();
    expectTypeOf(runProgram).toEqualTypeOf<
      (chip: ChipSpec, program: Program, options?: RunProgramOptions) => ProgramRun
    >();
  });

  it('plans training and serving on a system', () => {
    expectTypeOf(trainingStep).toEqualTypeOf<
      (
        model: TransformerModel,
        chip: ChipSpec,
        pods: SystemSpec,
        chips: number,
        plan: TrainingPlan,
        options?: TrainingOptions,
      ) => TrainingStep
    >();
    expectTypeOf(planTrainingRun).toEqualTypeOf<
      (model: TransformerModel, chip: ChipSpec, system: SystemSpec, input: TrainingRunInput) => TrainingRun
    >();
    expectTypeOf(searchPlans).toEqualTypeOf<
      (
        model: TransformerModel,
        chip: ChipSpec,
        system: SystemSpec,
        chips: number,
        options: SearchOptions,
      ) => SearchResult
    >();
    expectTypeOf(servingPoint).toEqualTypeOf<
      (ctx: ServingContext, batch: number, prompt: number, output: number) => ServingPoint
    >();
  });

  it('prices a chip and its total cost of ownership', () => {
    expectTypeOf(chipCost).toEqualTypeOf<(chip: ChipSpec, book: CostBook, options?: ChipCostOptions) => ChipCost>();
    expectTypeOf(tcoPerChip).toEqualTypeOf<(input: TcoInput, trace: CostTrace) => TcoBreakdown>();
  });

  it('keeps specs and results as readonly-friendly plain data', () => {
    expectTypeOf<ChipSpec['name']>().toEqualTypeOf<string>();
    expectTypeOf<ChipSpec['clockHz']>().toEqualTypeOf<number>();
    expectTypeOf(api.CHIP_PRESETS).toEqualTypeOf<Readonly<Record<string, ChipSpec>>>();
    expectTypeOf(api.SYSTEM_PRESETS).toEqualTypeOf<Readonly<Record<string, SystemSpec>>>();
  });
});

/** Files under `dir` (recursively) whose names end in one of `exts`. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, exts);
    return exts.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

describe('public entries', () => {
  it('src/index.ts and src/web.ts name every export (no export *)', () => {
    for (const entry of ['src/index.ts', 'src/web.ts']) {
      const text = readFileSync(join(ROOT, entry), 'utf8');
      expect(text.match(/^export \*.*$/gm) ?? [], entry).toEqual([]);
    }
  });

  it('src/web.ts exports only what src/index.ts exports, the same objects', () => {
    const index = api as Record<string, unknown>;
    const notPublic = Object.keys(web).filter(
      (name) => !(name in index) || index[name] !== (web as Record<string, unknown>)[name],
    );
    expect(notPublic).toEqual([]);
  });

  it('the UI (web/src) imports the library only through src/web.ts', () => {
    const deep: string[] = [];
    for (const file of filesUnder(join(ROOT, 'web', 'src'), ['.ts', '.tsx'])) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'((?:\.\.\/)+src\/[^']*)'/g)) {
        if (!match[1]!.endsWith('/src/web.js')) deep.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
    }
    expect(deep).toEqual([]);
  });

  it('package.json exports tpusim and tpusim/web', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { import: string }>;
    };
    expect(pkg.exports['.']?.import).toBe('./dist/index.js');
    expect(pkg.exports['./web']?.import).toBe('./dist/web.js');
  });
});
