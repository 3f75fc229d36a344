/**
 * Turns spec text into a CompiledSweep: explore/'s compileSweep by default, or the `compileSweep`
 * export of the module that TPUSIM_EXPLORE_SWEEP_MODULE names (a custom sweep compiler; the tests use a
 * synthetic one). Worker threads and queue workers rebuild the sweep the same way from the spec text.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TpusimError, compileSweep, type CompiledSweep } from '../../index.js';

export const SWEEP_MODULE_ENV = 'TPUSIM_EXPLORE_SWEEP_MODULE';

type CompileSweep = (specText: string, fileName: string) => CompiledSweep;

/** The module path from the environment (absolute), or undefined for the built-in compiler. */
export function sweepModuleFromEnv(): string | undefined {
  const path = process.env[SWEEP_MODULE_ENV];
  if (path === undefined || path === '') return undefined;
  return isAbsolute(path) ? path : resolve(path);
}

export async function loadSweepCompiler(modulePath: string | undefined): Promise<CompileSweep> {
  if (modulePath === undefined) return compileSweep;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new TpusimError(
      'bad_file',
      `${SWEEP_MODULE_ENV} '${modulePath}' could not be loaded: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const compile = loaded['compileSweep'];
  if (typeof compile !== 'function')
    throw new TpusimError('bad_file', `${SWEEP_MODULE_ENV} '${modulePath}' does not export a function compileSweep`);
  return compile as CompileSweep;
}

export async function compileSpec(
  specText: string,
  fileName: string,
  modulePath: string | undefined,
): Promise<CompiledSweep> {
  const compile = await loadSweepCompiler(modulePath);
  return compile(specText, fileName);
}
