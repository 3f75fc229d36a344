/**
 * View state in the URL (`#/model?model=resnet50&chip=tpu-v4`), so a view can be shared or reloaded.
 * `useRoute` gives the page and its parameters; `setParams` replaces the hash without a history entry
 * per keystroke.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  readonly page: string;
  readonly params: Readonly<Record<string, string>>;
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return { page: path || 'chip', params };
}

export function hashOf(route: Route): string {
  const query = new URLSearchParams(Object.entries(route.params).filter(([, v]) => v !== '')).toString();
  return `#/${route.page}${query ? `?${query}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function setParams(page: string, params: Record<string, string>): void {
  const hash = hashOf({ page, params });
  if (hash !== location.hash) {
    history.replaceState(null, '', hash);
    dispatchEvent(new HashChangeEvent('hashchange'));
  }
}

/** A page's parameters with defaults filled in, and a setter for one of them. */
export function usePageParams<T extends Record<string, string>>(
  page: string,
  defaults: T,
): [T, (key: keyof T, value: string) => void] {
  const route = useRoute();
  const params = { ...defaults, ...(route.page === page ? route.params : {}) } as T;
  // From the address as it is now, not as it was at the last render: two changes before the page
  // re-renders (a field left with Tab into the next one, on a busy machine) must both stay.
  const set = (key: keyof T, value: string): void => {
    const now = parseHash(location.hash);
    setParams(page, { ...defaults, ...(now.page === page ? now.params : {}), [key]: value });
  };
  return [params, set];
}
