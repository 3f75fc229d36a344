/// <reference lib="webworker" />
// The analysis runs here, off the page's thread: every request names an `api` function and its arguments.
import { api, type ApiName } from './api.js';

self.onmessage = (event: MessageEvent<{ id: number; name: ApiName; args: unknown }>) => {
  const { id, name, args } = event.data;
  try {
    const fn = api[name] as (a: unknown) => unknown;
    if (!fn) throw new Error(`no such request: ${name}`);
    (self as unknown as Worker).postMessage({ id, ok: true, value: fn(args) });
  } catch (error) {
    (self as unknown as Worker).postMessage({
      id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
};
