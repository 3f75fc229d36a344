import type { JSX } from 'preact';

export function ClusterPage(): JSX.Element {
  return <p class="note">This page is being built.</p>;
}
