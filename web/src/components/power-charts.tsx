/** The Chip page's breakdowns: die area and board power by mechanism, each a chart with its numbers. */
import { useMemo } from 'preact/hooks';
import type { JSX } from 'preact';
import { chipAreaSvg, chipPowerSvg, powerBars, type AreaBreakdown, type ChipPowerModel } from '../../../src/web.js';
import { Chart, fmt } from './ui.js';

/** A chart's bars as numbers (data-value holds the unrounded figure the chart drew). */
function Numbers(props: {
  testid: string;
  unit: string;
  bars: ReadonlyArray<{ key: string; label: string; value: number }>;
}): JSX.Element {
  return (
    <details class="note">
      <summary>numbers</summary>
      <table data-testid={props.testid}>
        <tbody>
          {props.bars.map((b) => (
            <tr key={b.key} data-key={b.key} data-value={b.value}>
              <td>{b.label}</td>
              <td>{`${fmt(b.value)} ${props.unit}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function BreakdownCharts(props: { name: string; area: AreaBreakdown; power: ChipPowerModel }): JSX.Element {
  const { name, area, power } = props;
  const g = power.denseGemm;
  const what = `dense GEMMs at ${fmt(g.clockHz / 1e6)} MHz`;
  const svgs = useMemo(
    () => ({ area: chipAreaSvg(name, area), power: chipPowerSvg(name, g.power, what) }),
    [name, area, g, what],
  );
  const areaBars = area.blocks.filter((b) => b.mm2 > 0).map((b) => ({ key: b.name, label: b.label, value: b.mm2 }));
  return (
    <>
      <div>
        <Chart
          name={`${name}-area`}
          caption="Die area by mechanism (mm²)"
          testid="area-chart"
          svg={svgs.area}
          data={area}
        />
        <Numbers testid="area-numbers" unit="mm²" bars={areaBars} />
      </div>
      <div>
        <Chart
          name={`${name}-power`}
          caption={`Board power by mechanism (W), ${what}: ${g.reason}`}
          testid="power-chart"
          svg={svgs.power}
          data={g}
        />
        <Numbers testid="power-numbers" unit="W" bars={powerBars(g.power)} />
      </div>
    </>
  );
}
