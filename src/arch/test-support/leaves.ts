/** Test support: the leaves of a spec object, for checking that every number in it is cited. */
import { joinPath } from '../../core/schema.js';

/** Every leaf outside `sources`/`citations` (arrays of scalars count as one leaf) with its value. */
export function leaves(value: unknown, path = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, joinPath(path, i), out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value))
      if (!(path === '' && (k === 'sources' || k === 'citations'))) leaves(v, joinPath(path, k), out);
  } else out.push([path, value]);
  return out;
}
