import { defineSources } from './registry.js';

/** Energy and power: the energy table (model/energy.ts) and the power model's constants (model/power-constants.ts). */
export const ENERGY_POWER_SOURCES = defineSources({
  horowitz2014:
    'M. Horowitz, "Computing\'s Energy Problem (and what we can do about it)", ISSCC 2014, pp. 10-14, ' +
    'doi:10.1109/ISSCC.2014.6757323 (Fig. 1.1.9: rough energy costs in 45 nm, 0.9 V)',
  stillmaker2017:
    'A. Stillmaker and B. Baas, "Scaling equations for the accurate prediction of CMOS device performance from ' +
    '180 nm to 7 nm", Integration, the VLSI Journal 58 (2017) 74-81, doi:10.1016/j.vlsi.2017.02.002, with the ' +
    "authors' corrigendum (Table 5: energy = a*Vdd^2 + b*Vdd + c)",
  ptm:
    'Predictive Technology Model, Arizona State University (ptm.asu.edu): nominal Vdd of the 45/32 nm bulk HP ' +
    'and 20-7 nm PTM-MG HP models, the models Stillmaker & Baas fitted',
  oconnor2017:
    'M. O\'Connor et al., "Fine-Grained DRAM: Energy-Efficient DRAM for Extreme Bandwidth Systems", MICRO-50, ' +
    '2017, doi:10.1145/3123939.3124545',
  nvidiaNvlink:
    'NVIDIA, "What Is NVLink?" (NVIDIA blog, 2023): NVLink-C2C moves data at 1.3 pJ/bit, "5 times more energy ' +
    'efficient than PCIe Gen 5"',
  chen2016:
    'Y.-H. Chen, J. Emer, V. Sze, "Eyeriss: A Spatial Architecture for Energy-Efficient Dataflow for ' +
    'Convolutional Neural Networks", ISCA 2016, doi:10.1109/ISCA.2016.40 (normalised energy per access: register ' +
    'file 1x, inter-PE hop 2x, global buffer 6x, DRAM 200x a 16-bit MAC)',
  keckler2011:
    'S. W. Keckler et al., "GPUs and the Future of Parallel Computing", IEEE Micro 31(5), 2011, ' +
    'doi:10.1109/MM.2011.89 (40 nm: moving 256 bits over 1 mm of on-chip wire ~25 pJ, about 0.1 pJ/bit/mm)',
  sakurai1990:
    'T. Sakurai, A. R. Newton, "Alpha-power law MOSFET model and its applications to CMOS inverter delay and ' +
    'other formulas", IEEE JSSC 25(2), 1990, doi:10.1109/4.52187 (delay ~ V / (V - Vt)^alpha, alpha 1.2-1.4 for ' +
    'short channels)',
  tsmcN5: 'TSMC, "5nm Technology" (tsmc.com): N5 "up to 30% power reduction" against N7 at the same speed',
  tiwari1998:
    'V. Tiwari et al., "Reducing Power in High-Performance Microprocessors", DAC 1998, doi:10.1145/277044.277227 ' +
    "(the clock network draws ~40% of a high-performance processor's power)",
  dally2023:
    'W. J. Dally, "Hardware for Deep Learning", Hot Chips 35 keynote, 2023 (tensor-core instructions amortise ' +
    'fetch, decode and operand delivery over many MACs: overhead ~20% of the math energy for HMMA/IMMA)',
});
