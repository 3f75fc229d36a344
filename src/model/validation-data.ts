/** Written by `npm run validate` (scripts/validate.mjs) from validation/data; do not edit by hand. */
import type { ValidationSummary } from './validation.js';

export const VALIDATION_SUMMARY: ValidationSummary = {
  "categories": [
    {
      "category": "kernels",
      "all": {
        "rows": 114,
        "mape": 0.1382,
        "medianSpeedRatio": 1.002,
        "within15": 0.7632,
        "within30": 0.9211
      },
      "heldOut": {
        "rows": 74,
        "mape": 0.08847,
        "medianSpeedRatio": 1.002,
        "within15": 0.8378,
        "within30": 0.9595
      },
      "calibration": {
        "rows": 40,
        "mape": 0.2303,
        "medianSpeedRatio": 1.002,
        "within15": 0.625,
        "within30": 0.85
      },
      "regime": {
        "chips": [
          "a100",
          "b200",
          "gaudi2",
          "gaudi3",
          "gh200",
          "h100-sxm",
          "h200",
          "mi300x",
          "mi325x",
          "tpu-v5e",
          "v100-sxm"
        ],
        "chipCount": [
          1,
          1
        ],
        "params": null
      },
      "unmapped": 0
    },
    {
      "category": "training-node",
      "all": {
        "rows": 86,
        "mape": 0.116,
        "medianSpeedRatio": 1.082,
        "within15": 0.7093,
        "within30": 0.9651
      },
      "heldOut": {
        "rows": 44,
        "mape": 0.1063,
        "medianSpeedRatio": 1.08,
        "within15": 0.7273,
        "within30": 1
      },
      "calibration": {
        "rows": 42,
        "mape": 0.1261,
        "medianSpeedRatio": 1.085,
        "within15": 0.6905,
        "within30": 0.9286
      },
      "regime": {
        "chips": [
          "a100",
          "a100-40gb",
          "b200",
          "gaudi2",
          "h100-sxm",
          "h200",
          "tpu-v4",
          "tpu-v5p",
          "tpu-v6e",
          "tpu-v7"
        ],
        "chipCount": [
          8,
          64
        ],
        "params": [
          123537408,
          70552387584
        ]
      },
      "unmapped": 0
    },
    {
      "category": "training-scale",
      "all": {
        "rows": 84,
        "mape": 0.1261,
        "medianSpeedRatio": 1.085,
        "within15": 0.6905,
        "within30": 0.9643
      },
      "heldOut": {
        "rows": 50,
        "mape": 0.1338,
        "medianSpeedRatio": 1.081,
        "within15": 0.7,
        "within30": 0.96
      },
      "calibration": {
        "rows": 34,
        "mape": 0.1147,
        "medianSpeedRatio": 1.092,
        "within15": 0.6765,
        "within30": 0.9706
      },
      "regime": {
        "chips": [
          "a100",
          "a100-40gb",
          "b200",
          "h100-sxm",
          "h800",
          "tpu-v4",
          "tpu-v5e",
          "tpu-v5p"
        ],
        "chipCount": [
          128,
          16384
        ],
        "params": [
          353566720,
          1031460618240
        ]
      },
      "unmapped": 0
    },
    {
      "category": "serving",
      "all": {
        "rows": 144,
        "mape": 0.159,
        "medianSpeedRatio": 1.071,
        "within15": 0.625,
        "within30": 0.875
      },
      "heldOut": {
        "rows": 86,
        "mape": 0.1864,
        "medianSpeedRatio": 1.097,
        "within15": 0.5814,
        "within30": 0.8488
      },
      "calibration": {
        "rows": 58,
        "mape": 0.1185,
        "medianSpeedRatio": 1.056,
        "within15": 0.6897,
        "within30": 0.9138
      },
      "regime": {
        "chips": [
          "a10",
          "a100",
          "a100-pcie",
          "b200",
          "gh200",
          "h100-sxm",
          "h200",
          "h800",
          "l40s",
          "mi300x"
        ],
        "chipCount": [
          1,
          16
        ],
        "params": [
          1235746816,
          671025397760
        ]
      },
      "unmapped": 0
    },
    {
      "category": "collectives",
      "all": {
        "rows": 102,
        "mape": 0.1904,
        "medianSpeedRatio": 1.028,
        "within15": 0.6471,
        "within30": 0.8333
      },
      "heldOut": {
        "rows": 61,
        "mape": 0.2248,
        "medianSpeedRatio": 1.027,
        "within15": 0.5902,
        "within30": 0.7869
      },
      "calibration": {
        "rows": 41,
        "mape": 0.1392,
        "medianSpeedRatio": 1.03,
        "within15": 0.7317,
        "within30": 0.9024
      },
      "regime": {
        "chips": [
          "a100",
          "b200",
          "h100-sxm",
          "h200",
          "mi300x",
          "tpu-v5e"
        ],
        "chipCount": [
          2,
          32
        ],
        "params": null
      },
      "unmapped": 0
    },
    {
      "category": "power",
      "all": {
        "rows": 14,
        "mape": 0.08768,
        "medianSpeedRatio": 1.003,
        "within15": 0.8571,
        "within30": 0.8571
      },
      "heldOut": {
        "rows": 7,
        "mape": 0.1015,
        "medianSpeedRatio": 0.9795,
        "within15": 0.8571,
        "within30": 0.8571
      },
      "calibration": {
        "rows": 7,
        "mape": 0.07388,
        "medianSpeedRatio": 1.003,
        "within15": 0.8571,
        "within30": 0.8571
      },
      "regime": {
        "chips": [
          "a100",
          "h100-sxm",
          "h200",
          "tpu-v1",
          "tpu-v3",
          "tpu-v4"
        ],
        "chipCount": [
          1,
          1
        ],
        "params": null
      },
      "unmapped": 0
    },
    {
      "category": "area",
      "all": {
        "rows": 18,
        "mape": 0.06342,
        "medianSpeedRatio": 0.9828,
        "within15": 0.9444,
        "within30": 1
      },
      "heldOut": {
        "rows": 14,
        "mape": 0.07059,
        "medianSpeedRatio": 0.9775,
        "within15": 0.9286,
        "within30": 1
      },
      "calibration": {
        "rows": 4,
        "mape": 0.0383,
        "medianSpeedRatio": 1.008,
        "within15": 1,
        "within30": 1
      },
      "regime": {
        "chips": [
          "a100",
          "a100-40gb",
          "a100-pcie",
          "gh200",
          "h100-pcie",
          "h100-sxm",
          "h200",
          "h800",
          "l40s",
          "mtia-v1",
          "mtia-v2",
          "t4",
          "tpu-v1",
          "tpu-v2",
          "tpu-v3",
          "tpu-v4",
          "tpu-v4i",
          "v100-sxm"
        ],
        "chipCount": [
          1,
          1
        ],
        "params": null
      },
      "unmapped": 0
    }
  ],
  "overall": {
    "all": {
      "rows": 530,
      "mape": 0.1484,
      "medianSpeedRatio": 1.058,
      "within15": 0.683,
      "within30": 0.9057
    },
    "heldOut": {
      "rows": 315,
      "mape": 0.1513,
      "medianSpeedRatio": 1.051,
      "within15": 0.6825,
      "within30": 0.9016
    }
  }
};
