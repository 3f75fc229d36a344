/**
 * Runs a worker request whenever its inputs change and keeps the latest answer: state, value, error,
 * and how long the update took (request to answer, what the page's status shows and tests read).
 * Inputs that cannot be sent are not a request still computing: with a `problem` (a bad field, said
 * with its value and limit) the state is an error saying so, without one it is idle; either way the
 * previous answer is dropped, so a result is never shown under inputs it was not computed for.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, ApiName } from '../api.js';
import { call } from '../rpc.js';

export interface RequestState<T> {
  readonly state: 'idle' | 'busy' | 'ready' | 'error';
  readonly value?: T;
  readonly error?: string;
  readonly ms?: number;
}

export function useRequest<N extends ApiName>(
  name: N,
  args: Parameters<Api[N]>[0] | undefined,
  problem?: string,
): RequestState<ReturnType<Api[N]>> {
  const blocked = (): RequestState<ReturnType<Api[N]>> =>
    problem !== undefined ? { state: 'error', error: problem } : { state: 'idle' };
  const [s, setS] = useState<RequestState<ReturnType<Api[N]>>>(() =>
    args === undefined || problem !== undefined ? blocked() : { state: 'busy' },
  );
  const latest = useRef(0);
  const key = JSON.stringify(args);
  useEffect(() => {
    const ticket = ++latest.current;
    if (args === undefined || problem !== undefined) {
      setS(blocked());
      return;
    }
    const started = performance.now();
    setS((old) => ({ ...old, state: 'busy' }));
    call(name, args).then(
      (value) => ticket === latest.current && setS({ state: 'ready', value, ms: performance.now() - started }),
      (error: Error) => ticket === latest.current && setS({ state: 'error', error: error.message }),
    );
  }, [name, key, problem]);
  return s;
}
