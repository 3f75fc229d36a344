/**
 * Plan files (`tpusim train --plan FILE`): any of a training plan's fields, as JSON or YAML; the fields a
 * file leaves out take the command's defaults. Every problem is reported at once, each naming the field,
 * the value and the limit.
 */
import { issue, nearestName, type Issue, type Result } from '../core/errors.js';
import { object, optional, parse, type Assert, type Equals, type Infer, type Schema } from '../core/schema.js';
import type { PlanAxes } from './train-run.js';
import { RECOMPUTE, type TrainingPlan } from './types.js';

/** A plan's axes and sizes up to this many: far above any cluster (a hundred million chips times 1024). */
export const MAX_PLAN_VALUE = 100_000_000 * 1024;

/** `name must be a whole number from min to max, got value`: the wording the CLI's flags use too. */
function wholeNumber<N extends number>(
  name: string,
  min: number,
  max: number,
  within: (v: number) => v is N,
): Schema<N> {
  return {
    expected: `a whole number from ${min} to ${max}`,
    check(value, path, issues) {
      if (typeof value === 'number' && within(value)) return;
      issues.push(
        issue(
          'invalid_value',
          path,
          `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
        ),
      );
    },
  };
}

const count = (name: string): Schema<number> =>
  wholeNumber(name, 1, MAX_PLAN_VALUE, (v): v is number => Number.isInteger(v) && v >= 1 && v <= MAX_PLAN_VALUE);

const ZERO_STAGES = [0, 1, 2, 3] as const;
const zeroStage = wholeNumber('zero', 0, 3, (v): v is TrainingPlan['zero'] => ZERO_STAGES.some((s) => s === v));

function flag(name: string): Schema<boolean> {
  return {
    expected: 'true or false',
    check(value, path, issues) {
      if (typeof value !== 'boolean')
        issues.push(issue('invalid_type', path, `${name} must be true or false, got ${JSON.stringify(value)}`));
    },
  };
}

const isRecompute = (value: unknown): value is TrainingPlan['recompute'] => RECOMPUTE.some((r) => r === value);

const recompute: Schema<TrainingPlan['recompute']> = {
  expected: `one of ${RECOMPUTE.join(', ')}`,
  check(value, path, issues) {
    if (isRecompute(value)) return;
    const near = typeof value === 'string' ? nearestName(value, RECOMPUTE) : undefined;
    issues.push(
      issue(
        'invalid_enum',
        path,
        `recompute must be one of ${RECOMPUTE.join(', ')}, got ${JSON.stringify(value)}` +
          `${near ? `; did you mean '${near}'?` : ''}`,
      ),
    );
  },
};

const PLAN_FIELDS = {
  tp: optional(count('tp')),
  pp: optional(count('pp')),
  dp: optional(count('dp')),
  cp: optional(count('cp')),
  ep: optional(count('ep')),
  zero: optional(zeroStage),
  microbatch: optional(count('microbatch')),
  globalBatch: optional(count('globalBatch')),
  seq: optional(count('seq')),
  recompute: optional(recompute),
  sequenceParallel: optional(flag('sequenceParallel')),
  interleave: optional(count('interleave')),
  overlapGradients: optional(flag('overlapGradients')),
};

export const planFileSchema = object(PLAN_FIELDS);

/** The fields a plan file may have, in the order messages list them. */
export const PLAN_FILE_FIELDS: readonly string[] = Object.keys(PLAN_FIELDS);

/** A plan file's fields: a plan's axes, and the run's sequence length and global batch. */
export type PlanFile = Infer<typeof planFileSchema>;
type _PlanFileIsAPlan = Assert<Equals<PlanFile, Partial<TrainingPlan>>>;
type _PlanFileAxes = Assert<Omit<PlanFile, 'seq' | 'globalBatch'> extends PlanAxes ? true : false>;

/**
 * A plan file's parsed contents as a `PlanFile`, or every problem with it. Messages start with the file's
 * name; unknown fields list the fields a plan file takes.
 */
export function parsePlanFile(value: unknown, fileName: string): Result<PlanFile> {
  const fields = PLAN_FILE_FIELDS.join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      issues: [issue('invalid_type', '', `${fileName}: expected a mapping of plan fields (${fields})`)],
    };
  }
  const parsed = parse(planFileSchema, value);
  if (parsed.ok) return parsed;
  const worded = (i: Issue): Issue => {
    if (i.code !== 'unknown_field') return { ...i, message: `${fileName}: ${i.message}` };
    const near = nearestName(i.path, PLAN_FILE_FIELDS);
    return {
      ...i,
      message:
        `${fileName}: unknown plan field '${i.path}'${near ? `; did you mean '${near}'?` : ''} (fields: ` +
        `${fields})`,
    };
  };
  return { ok: false, issues: parsed.issues.map(worded) };
}
