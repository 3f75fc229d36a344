#!/usr/bin/env python3
"""
Measure what an NVIDIA GPU really does on the kernels tpusim's GPU model times: dense GEMMs (bf16 and
fp8) over a range of shapes, fused attention (FlashAttention through PyTorch's SDPA), a device-to-device
copy, and the SM clock and board power while the tensor cores are busy.

    python3 scripts/gpu-measure.py OUT.json

Needs PyTorch with CUDA and, for clocks and power, nvidia-ml-py (pynvml). Writes one JSON file that
`data/gpu-measured/` keeps and src/model/gpu-measured.test.ts compares tpusim's estimates against.
Each figure is the median of timed repetitions (CUDA events) after warm-up, on random normal data.
"""
import json
import statistics
import sys
import threading
import time

import torch
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else "gpu-measured.json"
dev = torch.device("cuda")
result = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
          "sms": torch.cuda.get_device_properties(0).multi_processor_count,
          "memory_bytes": torch.cuda.get_device_properties(0).total_memory,
          "date": time.strftime("%Y-%m-%d"), "method": "median of CUDA-event timings after warm-up, random normal data",
          "gemm": [], "attention": [], "copy": None, "clock": None, "errors": []}


def save():
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)


def timed(fn, reps, warm=3, inner=1):
    """Median seconds of one call; `inner` back-to-back calls per timing so that small kernels are timed
    on the GPU (with the gaps between kernels) rather than by how fast Python launches one."""
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        for _ in range(inner):
            fn()
        b.record()
        torch.cuda.synchronize()
        times.append(a.elapsed_time(b) / 1e3 / inner)
    return statistics.median(times)


def inner_for(flops):
    return max(1, min(200, int(2e11 / max(flops, 1))))


def reps_for(flops):
    return max(5, min(50, int(2e14 / max(flops, 1))))


# --- GEMMs: C[m,n] = A[m,k] B[k,n] -------------------------------------------------------------------
BF16_SHAPES = [
    # squares
    (1024, 1024, 1024), (2048, 2048, 2048), (4096, 4096, 4096), (8192, 8192, 8192), (16384, 16384, 16384),
    # Llama-3-70B layers at 8192 tokens, tensor-parallel 8 (h 8192, ffn 28672, q+kv 10240)
    (8192, 10240 // 8, 8192), (8192, 8192, 8192 // 8), (8192, 2 * 28672 // 8, 8192), (8192, 8192, 28672 // 8),
    # the same layers unsplit
    (8192, 10240, 8192), (8192, 57344, 8192), (8192, 8192, 28672),
    # GPT-3-like h 12288 at 2048 tokens
    (2048, 3 * 12288, 12288), (2048, 12288, 4 * 12288),
    # decode: few tokens against a large weight (memory-bound)
    (1, 8192, 8192), (8, 8192, 8192), (32, 8192, 8192), (128, 8192, 8192), (256, 28672, 8192), (512, 8192, 28672),
    # odd sizes (tile and wave quantization)
    (1000, 1000, 1000), (3000, 3000, 3000), (4097, 4097, 4097), (6144, 6144, 6144), (12288, 12288, 12288),
    (16384, 2048, 2048), (2048, 2048, 16384), (384, 16384, 4096),
]
FP8_SHAPES = [(4096, 4096, 4096), (8192, 8192, 8192), (16384, 16384, 16384), (8192, 57344, 8192), (8192, 8192, 28672)]

try:
    for (m, n, k) in BF16_SHAPES:
        a = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
        b = torch.randn(k, n, device=dev, dtype=torch.bfloat16)
        flops = 2 * m * n * k
        s = timed(lambda: torch.matmul(a, b), reps_for(flops), inner=inner_for(flops))
        result["gemm"].append({"dtype": "bf16", "m": m, "n": n, "k": k, "seconds": s, "tflops": flops / s / 1e12})
        del a, b
    save()
except Exception as e:  # keep what was measured
    result["errors"].append("bf16 gemm: " + repr(e))

try:
    for (m, n, k) in FP8_SHAPES:
        a = torch.randn(m, k, device=dev).to(torch.float8_e4m3fn)
        b = torch.randn(n, k, device=dev).to(torch.float8_e4m3fn).t()  # column-major second operand
        one = torch.tensor(1.0, device=dev)
        flops = 2 * m * n * k
        s = timed(lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16), reps_for(flops), inner=inner_for(flops))
        result["gemm"].append({"dtype": "fp8", "m": m, "n": n, "k": k, "seconds": s, "tflops": flops / s / 1e12})
        del a, b
    save()
except Exception as e:
    result["errors"].append("fp8 gemm: " + repr(e))

# --- Fused attention: FlashAttention through SDPA, bf16, head dim 128 --------------------------------
ATTENTION = [  # batch, heads, seq, causal
    (16, 32, 1024, False), (8, 32, 2048, False), (4, 32, 4096, False), (2, 32, 8192, False), (1, 32, 16384, False),
    (16, 32, 1024, True), (8, 32, 2048, True), (4, 32, 4096, True), (2, 32, 8192, True), (1, 32, 16384, True),
    (1, 64, 32768, True),
]
try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
    for (bsz, heads, seq, causal) in ATTENTION:
        d = 128
        q, k_, v = (torch.randn(bsz, heads, seq, d, device=dev, dtype=torch.bfloat16, requires_grad=True) for _ in range(3))
        # FLOPs as FlashAttention's benchmarks count them: 4 b h s^2 d forward, halved when causal; backward 2.5x.
        fwd_flops = 4 * bsz * heads * seq * seq * d / (2 if causal else 1)
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            fwd = timed(lambda: F.scaled_dot_product_attention(q, k_, v, is_causal=causal), reps_for(fwd_flops))
            o = F.scaled_dot_product_attention(q, k_, v, is_causal=causal)
            g = torch.randn_like(o)

            def both():
                out = F.scaled_dot_product_attention(q, k_, v, is_causal=causal)
                out.backward(g)
            fb = timed(both, reps_for(3.5 * fwd_flops))
        result["attention"].append({"batch": bsz, "heads": heads, "seq": seq, "headDim": d, "causal": causal,
                                    "forwardSeconds": fwd, "forwardBackwardSeconds": fb,
                                    "forwardTflops": fwd_flops / fwd / 1e12, "forwardBackwardTflops": 3.5 * fwd_flops / fb / 1e12})
        del q, k_, v, o, g
    save()
except Exception as e:
    result["errors"].append("attention: " + repr(e))

# --- Device-to-device copy ---------------------------------------------------------------------------
try:
    n = 2 * 1024 ** 3
    x = torch.empty(n, dtype=torch.uint8, device=dev)
    y = torch.empty_like(x)
    s = timed(lambda: y.copy_(x), 20)
    result["copy"] = {"bytes": n, "seconds": s, "readPlusWriteBytesPerS": 2 * n / s}
    del x, y
    save()
except Exception as e:
    result["errors"].append("copy: " + repr(e))

# --- SM clock and board power while the tensor cores run flat out ------------------------------------
try:
    import pynvml
    pynvml.nvmlInit()
    h = pynvml.nvmlDeviceGetHandleByIndex(0)
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM),
                            pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0))
            time.sleep(0.05)
    a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
    t = threading.Thread(target=sample)
    t.start()
    t0 = time.time()
    count = 0
    while time.time() - t0 < 15:
        for _ in range(20):
            torch.matmul(a, b)
        torch.cuda.synchronize()
        count += 20
    elapsed = time.time() - t0
    stop.set()
    t.join()
    steady = samples[len(samples) // 3:]
    result["clock"] = {"seconds": elapsed, "tflops": count * 2 * 8192 ** 3 / elapsed / 1e12,
                       "smClockMHzMedian": statistics.median(c for c, _ in steady),
                       "smClockMHzMin": min(c for c, _ in steady), "smClockMHzMax": max(c for c, _ in steady),
                       "powerWMedian": statistics.median(p for _, p in steady),
                       "maxSmClockMHz": pynvml.nvmlDeviceGetMaxClockInfo(h, pynvml.NVML_CLOCK_SM),
                       "powerLimitW": pynvml.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0}
    save()
except Exception as e:
    result["errors"].append("clock: " + repr(e))

save()
print(json.dumps({k: v for k, v in result.items() if k not in ("gemm", "attention")}, indent=1))
for g in result["gemm"]:
    print(f"{g['dtype']} {g['m']}x{g['n']}x{g['k']}: {g['tflops']:.1f} TFLOP/s")
for a in result["attention"]:
    print(f"attn b{a['batch']} h{a['heads']} s{a['seq']} causal={a['causal']}: fwd {a['forwardTflops']:.1f}, fwd+bwd {a['forwardBackwardTflops']:.1f} TFLOP/s")
