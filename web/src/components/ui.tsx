/** Small building blocks shared by the pages: labelled fields, tables, charts with downloads, status. */
import type { ComponentChildren, JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import { formatReadable, formatReadableSI } from '../../../src/web.js';
import { save, svgToPng, toCsv } from './download.js';

export function Select(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
  name?: string;
}): JSX.Element {
  const id = useId();
  return (
    <label class="field" for={id}>
      <span>{props.label}</span>
      <select
        id={id}
        name={props.name ?? props.label}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option value={o} key={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function NumberField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  min?: number;
  max?: number;
  step?: number;
  name?: string;
  error?: string | undefined;
}): JSX.Element {
  const id = useId();
  // What is being typed, until Enter or leaving the field commits it: a re-render for an answer that
  // arrives meanwhile must not put the old value back under the person's fingers.
  const [draft, setDraft] = useState<string | undefined>(undefined);
  return (
    <label class={`field${props.error ? ' invalid' : ''}`} for={id}>
      <span>{props.label}</span>
      <input
        id={id}
        name={props.name ?? props.label}
        type="number"
        value={draft ?? props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        aria-invalid={props.error ? 'true' : undefined}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        onChange={(e) => {
          setDraft(undefined);
          props.onChange((e.target as HTMLInputElement).value);
        }}
      />
      {props.error && <small role="alert">{props.error}</small>}
    </label>
  );
}

export function Slider(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onInput: (v: number) => void;
  name?: string;
  format?: (v: number) => string;
}): JSX.Element {
  const id = useId();
  return (
    <label class="field slider" for={id}>
      <span>
        {props.label}: <output for={id}>{props.format ? props.format(props.value) : props.value}</output>
      </span>
      <input
        id={id}
        name={props.name ?? props.label}
        type="range"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        onInput={(e) => props.onInput(Number((e.target as HTMLInputElement).value))}
      />
    </label>
  );
}

export function Check(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  name?: string;
}): JSX.Element {
  const id = useId();
  return (
    <label class="field check" for={id}>
      <input
        id={id}
        name={props.name ?? props.label}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

export type Cell = string | number;

export function Table(props: {
  name: string;
  caption: string;
  columns: readonly string[];
  rows: ReadonlyArray<readonly Cell[]>;
  limit?: number;
  testid?: string;
}): JSX.Element {
  const shown = props.limit ? props.rows.slice(0, props.limit) : props.rows;
  return (
    <figure class="table" data-testid={props.testid}>
      <figcaption>
        {props.caption}
        <span class="downloads">
          <button type="button" onClick={() => save(`${props.name}.csv`, 'text/csv', toCsv(props.columns, props.rows))}>
            CSV
          </button>
          <button
            type="button"
            onClick={() =>
              save(
                `${props.name}.json`,
                'application/json',
                JSON.stringify(
                  props.rows.map((r) => Object.fromEntries(props.columns.map((c, i) => [c, r[i]]))),
                  null,
                  2,
                ),
              )
            }
          >
            JSON
          </button>
        </span>
      </figcaption>
      {/* Focusable, so that a keyboard can scroll a table wider or taller than its box. */}
      <div class="scroll" tabIndex={0} role="region" aria-label={props.caption}>
        <table>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j} class={typeof v === 'number' ? 'num' : undefined}>
                    {typeof v === 'number' ? cell(v) : v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.limit && props.rows.length > props.limit && (
        <p class="note">
          first {props.limit} of {props.rows.length} rows; the downloads have all of them
        </p>
      )}
    </figure>
  );
}

/** A chart drawn by the library's SVG charts (report/svg.ts, the CLI's too), with downloads. */
export function Chart(props: {
  name: string;
  caption: string;
  svg: string;
  data?: unknown;
  testid?: string;
}): JSX.Element {
  return (
    <figure class="chart" data-testid={props.testid}>
      <figcaption>
        {props.caption}
        <span class="downloads">
          <button type="button" onClick={() => save(`${props.name}.svg`, 'image/svg+xml', props.svg)}>
            SVG
          </button>
          <button type="button" onClick={() => svgToPng(props.svg, `${props.name}.png`)}>
            PNG
          </button>
          {props.data !== undefined && (
            <button
              type="button"
              onClick={() => save(`${props.name}.json`, 'application/json', JSON.stringify(props.data, null, 2))}
            >
              JSON
            </button>
          )}
        </span>
      </figcaption>
      <div class="svg" role="img" aria-label={props.caption} dangerouslySetInnerHTML={{ __html: props.svg }} />
    </figure>
  );
}

/** A figure with a label, for the headline numbers (tests read `data-value`). */
/** A headline number; `validation` quotes how well its kind of prediction is validated (tpusim's validation suite). */
export function Stat(props: {
  label: string;
  value: string;
  raw?: number | undefined;
  testid?: string;
  validation?: { readonly text: string; readonly inRegime: boolean } | undefined;
}): JSX.Element {
  return (
    <div class="stat" data-testid={props.testid} data-value={props.raw}>
      <span class="label">{props.label}</span>
      <span class="value">{props.value}</span>
      {props.validation && (
        <span
          class="validation"
          data-testid={props.testid ? `${props.testid}-validation` : undefined}
          data-in-regime={String(props.validation.inRegime)}
        >
          {props.validation.text}
        </span>
      )}
    </div>
  );
}

export function Status(props: {
  state: 'idle' | 'busy' | 'ready' | 'error';
  error?: string | undefined;
  ms?: number | undefined;
  children?: ComponentChildren;
}): JSX.Element {
  return (
    <div class="status" data-state={props.state} data-ms={props.ms} aria-live="polite">
      {props.state === 'busy' && <span>computing...</span>}
      {props.state === 'error' && (
        <span role="alert" class="error">
          {props.error}
        </span>
      )}
      {props.state === 'ready' && props.ms !== undefined && <span class="note">updated in {fmt(props.ms)} ms</span>}
      {props.children}
    </div>
  );
}

/** A value from the address that could not be used as given, and what was used instead (never a silent change). */
export function Notice(props: { children: ComponentChildren; testid?: string }): JSX.Element {
  return (
    <p class="notice" role="status" data-testid={props.testid ?? 'notice'}>
      {props.children}
    </p>
  );
}

/**
 * Numbers as a person reads them (4 significant digits, thousands separated) and with SI prefixes: the library's, so
 * the charts' labels read the same.
 */
export const fmt = formatReadable;
/** A table's number: counts below a million exact (10,063 plans, not 10,060), the rest readable. */
const cell = (v: number): string =>
  Math.abs(v) >= 1e6 ? si(v) : Number.isInteger(v) ? v.toLocaleString('en-US') : fmt(v);
export const si = formatReadableSI;

/** A result that does not fit its chips' memory: shown with the reasons, the numbers below as if it did. */
export function DoesNotFit(props: { reasons: readonly string[] }): JSX.Element {
  return (
    <div class="alert" role="alert" data-testid="does-not-fit">
      <strong>Does not fit:</strong> {props.reasons.join('; ')}. The times below are as if it did.
    </div>
  );
}
