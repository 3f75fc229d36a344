/**
 * The page's side of the worker: `call('estimate', args)` posts a request and resolves with the
 * result (or rejects with the library's error message). Requests are answered in order; a newer
 * request with the same `key` supersedes an older one still waiting (sliders send many).
 */
import type { Api, ApiName } from './api.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, Pending>();
let next = 1;

worker.onmessage = (event: MessageEvent<{ id: number; ok: boolean; value?: unknown; error?: string }>) => {
  const p = pending.get(event.data.id);
  if (!p) return;
  pending.delete(event.data.id);
  if (event.data.ok) p.resolve(event.data.value);
  else p.reject(new Error(event.data.error ?? 'failed'));
};

export function call<N extends ApiName>(name: N, args: Parameters<Api[N]>[0]): Promise<ReturnType<Api[N]>> {
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker.postMessage({ id, name, args });
  });
}
