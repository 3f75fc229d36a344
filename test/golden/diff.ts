/** What a golden comparison prints when a file differs: a unified-style hunk around the first difference. */

const TEXT_EXTENSIONS = ['.json', '.svg', '.s', '.csv', '.txt', '.md'];
const CONTEXT_LINES = 3;
const SHOWN_LINES = 8;

export const isTextFile = (path: string): boolean => TEXT_EXTENSIONS.some((e) => path.endsWith(e));

/** Undefined when the bytes are equal; else where and how they first differ. */
export function goldenDiff(path: string, committed: Uint8Array, actual: Uint8Array): string | undefined {
  if (Buffer.compare(committed, actual) === 0) return undefined;
  return isTextFile(path) ? textDiff(path, Buffer.from(committed).toString('utf8'), Buffer.from(actual).toString('utf8')) : byteDiff(path, committed, actual);
}

function textDiff(path: string, committed: string, actual: string): string {
  const a = committed.split('\n');
  const b = actual.split('\n');
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  // The differing run ends where the two files agree again from the back.
  let endA = a.length;
  let endB = b.length;
  while (endA > first && endB > first && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const start = Math.max(0, first - CONTEXT_LINES);
  const removed = a.slice(first, Math.min(endA, first + SHOWN_LINES));
  const added = b.slice(first, Math.min(endB, first + SHOWN_LINES));
  const more = endA - first > SHOWN_LINES || endB - first > SHOWN_LINES ? [`... (${endA - first} committed and ${endB - first} new lines differ in this run)`] : [];
  return [
    `--- test/golden/${path} (committed)`,
    `+++ test/golden/${path} (this run)`,
    `@@ -${start + 1},${first - start + removed.length} +${start + 1},${first - start + added.length} @@`,
    ...a.slice(start, first).map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...more,
  ].join('\n');
}

function byteDiff(path: string, committed: Uint8Array, actual: Uint8Array): string {
  let at = 0;
  while (at < committed.length && at < actual.length && committed[at] === actual[at]) at++;
  const hex = (v: number | undefined): string => (v === undefined ? 'end of file' : `0x${v.toString(16).padStart(2, '0')}`);
  return `test/golden/${path}: bytes differ first at offset ${at} (committed ${hex(committed[at])}, this run ${hex(actual[at])}); sizes ${committed.length} and ${actual.length} bytes`;
}
