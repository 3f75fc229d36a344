import { defineSources } from './registry.js';

/** Economics: the cost book (cost/costbook.ts) and the area model's entries (cost/area-book.ts). */
export const COST_AREA_SOURCES = defineSources({
  tsmcSram:
    'TSMC high-density SRAM bitcell areas as presented at IEDM/VLSI (28HPM 0.127, 16FF+ 0.074, N7 0.027, N5 ' +
    '0.021, N3 0.0199 um^2), as reported by WikiChip, https://en.wikichip.org/wiki/tsmc',
  wikichipDensity:
    'WikiChip, TSMC process pages: high-density standard-cell logic density (16FF+ 28.9, N10 52.5, N7 91.2, N5 ' +
    '171.3 MTr/mm^2), https://en.wikichip.org/wiki/tsmc',
  hennessyPatterson:
    'J. Hennessy and D. Patterson, Computer Architecture: A Quantitative Approach, ch. 1 (dies per wafer)',
  stapper:
    'C. H. Stapper, "Modeling of integrated circuit defect sensitivities", IBM J. Res. Dev. 27(6), 1983 ' +
    '(negative binomial yield); B. Murphy, Proc. IEEE 1964',
  anandtech2020:
    'AnandTech, "\'Better Yield on 5nm than 7nm\': TSMC Update on Defect Rates for N5", 25 Aug 2020 (N7 ' +
    '0.09/cm^2 three quarters after HVM; N5 ~0.10)',
  cset2020:
    'S. M. Khan and A. Mann, "AI Chips: What They Are and Why They Matter", CSET, April 2020 (foundry sale price ' +
    'per wafer by node)',
  digitimes:
    'DigiTimes / TrendForce reports of TSMC wafer prices (3 nm ~$20,000 in 2022; 2 nm ~$30,000 in 2025), via ' +
    'Taiwan News and TrendForce News',
  trendforceHbm:
    "TrendForce press releases on HBM (May 2024: ~5x DDR5 price per bit; Dec 2025), and analysts' $/GB estimates " +
    'in circulation ($8-20/GB)',
  siliconAnalysts:
    'Silicon Analysts cost-bridge tool (H100: ~$750 CoWoS packaging, ~$920 test and assembly; citing Raymond ' +
    'James, Epoch AI, TrendForce), 2026',
  semiengineering:
    'SemiEngineering, "What Will That Chip Cost?" (IBS design costs by node: 28 nm $51M, 16 nm $106M, 7 nm ' +
    '$298M, 5 nm $542M), https://semiengineering.com/',
  barroso2018:
    'L. A. Barroso, U. Holzle, P. Ranganathan, The Datacenter as a Computer, 3rd ed., 2018, ch. 6 (TCO: $10-20 ' +
    'per W of critical power, 10-15 year facility life)',
  uptime2024: 'Uptime Institute Global Data Center Survey 2024 (average PUE 1.56)',
  eia2023: 'U.S. EIA, Electric Power Annual 2023: average industrial electricity price 8.06 cents/kWh',
  tsmcArizona2020:
    'TSMC announcement, May 2020, as reported by eeNews Europe: $12B for a 5 nm fab of 20,000 wafers per month ' +
    'in Arizona',
  cowosCapacity:
    'DigiTimes / TrendForce reports of TSMC CoWoS capacity: ~15k wafers/month end-2023, ~35k end-2024, 65-80k end-2025',
  gpuPrices:
    'press reports of street prices: H100 SXM $25-30k, A100 80GB $10-15k (2023-24), H200 $30-35k, B200 $30-40k, ' +
    'MI300X $10-20k',
  ucie2022:
    'UCIe 1.0 specification (2022), advanced-package die-to-die interface: bandwidth per mm^2 of PHY area up to ' +
    '~1.35 TB/s at 32 GT/s (~0.19 TB/s at 4 GT/s)',
  cacti:
    'N. Muralimanohar, R. Balasubramonian, N. Jouppi, "CACTI 6.0" (HP Labs 2009): periphery (decoders, sense ' +
    'amplifiers, drivers) takes a larger share of small arrays',
  areaFit:
    'fitted together by calibrateArea (cost/area.ts) to the calibration rows of validation/data/area/*.yaml only ' +
    '(four dies: AD102, GA100, GH100, MTIA v2; every fitted constant rests on three or more of them); ' +
    'area.test.ts re-runs the fit',
});
