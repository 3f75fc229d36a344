import type { JSX } from 'preact';

export function SystolicPage(): JSX.Element {
  return <p class="note">This page is being built.</p>;
}
