/** Runs the CLI in-process as a user would, capturing what it prints. */
import { main } from '../src/cli/main.js';

export async function tpusim(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}
