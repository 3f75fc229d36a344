/** Scalar functions that several layers define their arithmetic with (graph ops, the vector unit). */

/** erf(x), Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below fp32's resolution near 1). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign * (1 - poly * Math.exp(-a * a));
}

/** GELU with erf, as ONNX Gelu (approximate="none") and the original BERT define it; fp32 result. */
export function gelu(x: number): number {
  return Math.fround(0.5 * x * (1 + erf(x / Math.SQRT2)));
}

/** GELU's tanh approximation (Hendrycks & Gimpel 2016; GPT-2's gelu_new, ONNX Gelu approximate="tanh"); fp32 result. */
export function geluTanh(x: number): number {
  return Math.fround(0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
}
