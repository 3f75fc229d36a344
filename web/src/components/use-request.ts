/**
 * Runs a worker request whenever its inputs change and keeps the latest answer: state, value, error,
 * and how long the update took (request to answer, what the page's status shows and tests read).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, ApiName } from '../api.js';
import { call } from '../rpc.js';

export interface RequestState<T> {
  readonly state: 'busy' | 'ready' | 'error';
  readonly value?: T;
  readonly error?: string;
  readonly ms?: number;
}

export function useRequest<N extends ApiName>(name: N, args: Parameters<Api[N]>[0] | undefined): RequestState<ReturnType<Api[N]>> {
  const [s, setS] = useState<RequestState<ReturnType<Api[N]>>>({ state: 'busy' });
  const latest = useRef(0);
  const key = JSON.stringify(args);
  useEffect(() => {
    if (args === undefined) return;
    const ticket = ++latest.current;
    const started = performance.now();
    setS((old) => ({ ...old, state: 'busy' }));
    call(name, args).then(
      (value) => ticket === latest.current && setS({ state: 'ready', value, ms: performance.now() - started }),
      (error: Error) => ticket === latest.current && setS({ state: 'error', error: error.message }),
    );
  }, [name, key]);
  return s;
}
