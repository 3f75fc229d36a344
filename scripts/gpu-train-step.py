#!/usr/bin/env python3
"""
Measure real training steps of Llama-style decoders on one GPU, to hold tpusim's training-step model
(src/cluster/train.ts, `tpusim train --chips 1`) against: forward, backward and optimizer times of
Hugging Face's LlamaForCausalLM (random weights, built from a config, nothing downloaded), in the
common PyTorch recipe: fp32 weights and AdamW (fused), bf16 autocast, FlashAttention through SDPA,
eager mode, no activation recomputation.

    python3 scripts/gpu-train-step.py OUT.json [--compile] [--only NAME:B,B;NAME:B]

--compile runs the model under torch.compile (kernels fused by Inductor); --only picks configs and
microbatches (e.g. 'llama-1b:4,8;llama-8l-4k:2').

Each figure is the median of timed steps after warm-up steps (CUDA events around each phase).
"""
import json
import statistics
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

OUT = sys.argv[1] if len(sys.argv) > 1 else "gpu-train-step.json"
COMPILE = "--compile" in sys.argv
ONLY = {}
if "--only" in sys.argv:
    for part in sys.argv[sys.argv.index("--only") + 1].split(";"):
        name, bs = part.split(":")
        ONLY[name] = [int(b) for b in bs.split(",")]
dev = torch.device("cuda")

# name, hidden, layers, heads, kv heads, ffn, vocab, seq, microbatches to try
CONFIGS = [
    ("llama-1b", 2048, 16, 32, 8, 8192, 32000, 2048, [1, 2, 4, 8]),
    ("llama-3b", 3072, 24, 24, 8, 8192, 32000, 2048, [1, 2, 4]),
    ("llama-8l-4k", 4096, 8, 32, 8, 14336, 32000, 4096, [1, 2]),
]
WARM, STEPS = 3, 6

result = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"),
          "recipe": "LlamaForCausalLM, fp32 weights, AdamW(fused), bf16 autocast, SDPA (flash), " + ("torch.compile" if COMPILE else "eager") + ", no recomputation",
          "compiled": COMPILE,
          "method": f"median of {STEPS} steps after {WARM} warm-up steps; CUDA events around forward, backward and optimizer",
          "runs": [], "errors": []}


def save():
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)


for (name, hidden, layers, heads, kv, ffn, vocab, seq, batches) in CONFIGS:
    if ONLY:
        if name not in ONLY:
            continue
        batches = ONLY[name]
    hf = {"model_type": "llama", "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
          "num_key_value_heads": kv, "intermediate_size": ffn, "vocab_size": vocab, "max_position_embeddings": seq,
          "rms_norm_eps": 1e-5, "tie_word_embeddings": False}
    try:
        config = LlamaConfig(**{k: v for k, v in hf.items() if k != "model_type"}, attn_implementation="sdpa")
        with torch.device(dev):
            model = LlamaForCausalLM(config)
        model.train()
        forward = torch.compile(model) if COMPILE else model
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
        params = sum(p.numel() for p in model.parameters())
    except Exception as e:
        result["errors"].append(f"{name}: {e!r}")
        continue
    for b in batches:
        try:
            ids = torch.randint(0, vocab, (b, seq), device=dev)
            times = {"forward": [], "backward": [], "optimizer": [], "step": []}
            for i in range(WARM + STEPS):
                ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
                ev[0].record()
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    loss = forward(input_ids=ids, labels=ids).loss
                ev[1].record()
                loss.backward()
                ev[2].record()
                opt.step()
                opt.zero_grad(set_to_none=True)
                ev[3].record()
                torch.cuda.synchronize()
                if i >= WARM:
                    times["forward"].append(ev[0].elapsed_time(ev[1]) / 1e3)
                    times["backward"].append(ev[1].elapsed_time(ev[2]) / 1e3)
                    times["optimizer"].append(ev[2].elapsed_time(ev[3]) / 1e3)
                    times["step"].append(ev[0].elapsed_time(ev[3]) / 1e3)
            med = {k: statistics.median(v) for k, v in times.items()}
            run = {"name": name, "config": hf, "params": params, "microbatch": b, "seq": seq,
                   "forwardS": med["forward"], "backwardS": med["backward"], "optimizerS": med["optimizer"], "stepS": med["step"],
                   "peakMemoryBytes": torch.cuda.max_memory_allocated()}
            result["runs"].append(run)
            tokens = b * seq
            print(f"{name} ({params / 1e9:.2f}B) b{b} s{seq}: step {med['step'] * 1e3:.1f} ms "
                  f"(fwd {med['forward'] * 1e3:.1f}, bwd {med['backward'] * 1e3:.1f}, opt {med['optimizer'] * 1e3:.1f}); "
                  f"{tokens / med['step']:.0f} tokens/s; MFU {6 * params * tokens / med['step'] / 989.4e12:.3f}", flush=True)
            torch.cuda.reset_peak_memory_stats()
            save()
        except torch.cuda.OutOfMemoryError:
            result["errors"].append(f"{name} b{b}: out of memory")
            torch.cuda.empty_cache()
    del model, opt, forward
    torch.cuda.empty_cache()
save()
