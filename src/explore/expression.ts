/**
 * Derived-rule expressions: `stacks * 819GB/s`, `(rows * cols) / 4`, `max(1, cores / 2)`. Numbers (with
 * units, see quantity.ts), knob names, + - * / and parentheses, unary minus, and min/max/ceil/floor/
 * round/log2/pow2. Parsed once by recursive descent into a closure over an array of knob values.
 */
import { QUANTITY_PATTERN, parseQuantity } from './quantity.js';

export type Evaluator = (values: readonly number[]) => number;

const FUNCTIONS: Readonly<
  Record<string, { readonly arity: number; readonly apply: (args: readonly number[]) => number }>
> = {
  min: { arity: 2, apply: (a) => Math.min(a[0]!, a[1]!) },
  max: { arity: 2, apply: (a) => Math.max(a[0]!, a[1]!) },
  ceil: { arity: 1, apply: (a) => Math.ceil(a[0]!) },
  floor: { arity: 1, apply: (a) => Math.floor(a[0]!) },
  round: { arity: 1, apply: (a) => Math.round(a[0]!) },
  log2: { arity: 1, apply: (a) => Math.log2(a[0]!) },
  pow2: { arity: 1, apply: (a) => 2 ** a[0]! },
};

const TOKEN = new RegExp(
  '\\s*(?:((?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?(?:(?:[kMGTP]i?)?(?:Hz|B\\/s|B|W|mm2|nm|USD))?)' +
    '|([A-Za-z_][\\w]*)|([-+*/(),]))',
  'y',
);

/** Compiles `text` over the knobs in `names` (their values arrive in that order), or returns an error message. */
export function compileExpression(text: string, names: readonly string[]): Evaluator | string {
  const tokens: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    TOKEN.lastIndex = 0;
    const m = TOKEN.exec(rest);
    if (!m) return `cannot read '${rest}' in '${text}'`;
    tokens.push(m[0].trim());
    rest = rest.slice(m[0].length).trimStart();
  }
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const fail = (what: string): never => {
    throw new Error(`${what} in '${text}'`);
  };
  const primary = (): Evaluator => {
    const t = tokens[at++];
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      const inner = sum();
      if (tokens[at++] !== ')') fail("missing ')'");
      return inner;
    }
    if (t === '-') {
      const inner = primary();
      return (v) => -inner(v);
    }
    const number = parseQuantity(t);
    if (number !== undefined && (/^[+\-\d.]/.test(t) || QUANTITY_PATTERN.test(t))) return () => number;
    const fn = FUNCTIONS[t];
    if (fn) {
      if (tokens[at++] !== '(') fail(`'${t}' needs '('`);
      const args: Evaluator[] = [sum()];
      while (peek() === ',') {
        at++;
        args.push(sum());
      }
      if (tokens[at++] !== ')') fail(`missing ')' after the arguments of '${t}'`);
      if (args.length !== fn.arity) fail(`'${t}' takes ${fn.arity} argument(s), got ${args.length}`);
      return (v) => fn.apply(args.map((a) => a(v)));
    }
    const index = names.indexOf(t);
    if (index < 0) return fail(`unknown name '${t}' (knobs: ${names.join(', ') || 'none'})`);
    return (v) => v[index]!;
  };
  const product = (): Evaluator => {
    let left = primary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[at++];
      const l = left;
      const r = primary();
      left = op === '*' ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  };
  const sum = (): Evaluator => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[at++];
      const l = left;
      const r = product();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  };
  try {
    const result = sum();
    if (at < tokens.length) fail(`unexpected '${tokens[at]}'`);
    return result;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
