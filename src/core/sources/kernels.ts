import { defineSources } from './registry.js';

/** Kernels: GEMM alignment, fused attention and fp8 recipes in the analytical model (model/kernel-*.ts, attention). */
export const KERNEL_SOURCES = defineSources({
  dlPerfGemm:
    'NVIDIA Deep Learning Performance Guide, "Matrix Multiplication Background User\'s Guide" (DU-09799-001, ' +
    '2023): Tensor Core requirements (Table 1), tile and wave quantization (section 3), ' +
    'https://docs.nvidia.com/deeplearning/performance/dl-performance-matrix-multiplication/',
  cublasDocs:
    'NVIDIA cuBLAS documentation, "Tensor Core Usage" (alignment of pointers and leading dimensions to 16 ' +
    'bytes), https://docs.nvidia.com/cuda/cublas/',
  cudaDriverTma:
    'NVIDIA CUDA Driver API, cuTensorMapEncodeTiled: globalAddress 16-byte aligned, globalStrides multiples of ' +
    '16 bytes, https://docs.nvidia.com/cuda/cuda-driver-api/',
  ptxCpAsync:
    'NVIDIA PTX ISA, cp.async: cp-size of 4, 8 or 16 bytes, the source aligned to cp-size, ' +
    'https://docs.nvidia.com/cuda/parallel-thread-execution/',
  cutlassEfficientGemm:
    'NVIDIA CUTLASS, media/docs/cpp/efficient_gemm.md, "Hopper Warp Specialization": Warp-Specialized Persistent ' +
    'Cooperative and Ping-Pong kernel designs; the cooperative TMA epilogue works in 128 x 32 subtiles through ' +
    'StagesD = 2 shared-memory buffers (include/cutlass/epilogue/collective/builders/sm90_builder.inl, ' +
    'sm90_compute_tile_shape_or_override), https://github.com/NVIDIA/cutlass',
  cutlassSm100Persistent:
    'NVIDIA CUTLASS, examples/python/CuTeDSL/blackwell/dense_gemm_persistent.py: persistent tile scheduling, a ' +
    'TMA warp, an MMA warp and four epilogue warps, num_acc_stage = 2 accumulators in tensor memory',
  cutlassSm80:
    'NVIDIA CUTLASS, python/cutlass_library/generator.py, GenerateSM80_TensorOp_16816: alignment_constraints [8, ' +
    '4, 2] for 16-bit types (16, 8 and 4 bytes)',
  luo2024:
    'W. Luo et al., "Benchmarking and Dissecting the Nvidia Hopper GPU Architecture", IPDPS 2024, ' +
    'arXiv:2402.13499 (wgmma vs mma.sync throughput on H800)',
  dao2023:
    'T. Dao, "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning", ICLR 2024, ' +
    'arXiv:2307.08691',
  shah2024:
    'J. Shah et al., "FlashAttention-3: Fast and Accurate Attention with Asynchrony and Low-precision", NeurIPS ' +
    '2024, arXiv:2407.08608',
  faRepo:
    'Dao-AILab/flash-attention: csrc/flash_attn/src/flash_fwd_launch_template.h and flash_bwd_launch_template.h ' +
    '(FlashAttention-2 tile sizes), hopper/tile_size.h (FlashAttention-3), ' +
    'https://github.com/Dao-AILab/flash-attention',
  cudnnDocs:
    'NVIDIA cuDNN 9 documentation, "Scaled Dot Product Attention" (fused flash attention forward and backward, ' +
    'sm80 and sm90 kernels), https://docs.nvidia.com/deeplearning/cudnn/',
  teDocs:
    'NVIDIA Transformer Engine documentation, "Using FP8 with Transformer Engine" (per-tensor delayed scaling, ' +
    'amax history, fp8 copies of inputs, weights and gradients, transposes for the backward GEMMs), ' +
    'https://docs.nvidia.com/deeplearning/transformer-engine/',
  micikevicius2022:
    'P. Micikevicius et al., "FP8 Formats for Deep Learning", arXiv:2209.05433 (e4m3 forward, e5m2 gradients, ' +
    'per-tensor scaling)',
  deepseekV3:
    'DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv:2412.19437, section 3.3.2 (fp8 GEMMs on Hopper: partial ' +
    "sums promoted to fp32 on the CUDA cores every 128 elements of K, overlapped with the other warpgroup's MMA)",
  cublasLt:
    'NVIDIA cuBLASLt documentation, CUBLASLT_MATMUL_DESC_FAST_ACCUM (default 0: fp8 partial sums promoted to ' +
    'full fp32 accumulation), https://docs.nvidia.com/cuda/cublas/',
  teSource:
    'NVIDIA TransformerEngine, transformer_engine/pytorch/module/base.py: _2X_ACC_FPROP = False, _2X_ACC_DGRAD = ' +
    'True, _2X_ACC_WGRAD = True (split accumulation in the backward GEMMs only)',
  pallasFlash:
    'JAX Pallas TPU flash attention (jax/experimental/pallas/ops/tpu/flash_attention.py): query and key blocks ' +
    'of 128 by default, softmax on the vector unit, matmuls on the MXU',
  tokamaxSplash:
    'openxla/tokamax, tokamax/_src/ops/experimental/tpu/splash_attention/splash_attention_kernel.py (the splash ' +
    'attention kernel MaxText runs with use_tokamax_splash; the same kernel as ' +
    'jax.experimental.pallas.ops.tpu.splash_attention), https://github.com/openxla/tokamax',
  tokamaxIronwoodBench:
    'openxla/tokamax, tokamax/_src/ops/experimental/tpu/splash_attention/microbenchmarks.pdf: "Performance ' +
    'Benchmarks on Ironwood TPU", 2025-11-13 (splash attention forward and backward, batch 1, 32 query and 8 ' +
    'key/value heads, bf16, causal, tuned blocks; per TensorCore, peak 1.15e15 FLOP/s)',
  maxtextRecipes:
    'AI-Hypercomputer/maxtext MaxText/configs/base.yml (tag tpu-recipes-v0.1.4) and ' +
    'benchmarks/maxtext_trillium_model_configs.py; AI-Hypercomputer/tpu-recipes training/trillium/*/README.md ' +
    'and training/ironwood/llama3.1-70b/*/run_recipe.sh (commit c8cfe2f)',
  habanaFusedSdpa:
    'Intel Gaudi PyTorch bridge, python_packages/habana_frameworks/torch/hpex/kernels/FusedSDPA.py (sdpa_fwd / ' +
    'sdpa_recomp_fwd, softmax_mode), https://github.com/HabanaAI/gaudi-pytorch-bridge; documented at ' +
    'https://docs.habana.ai/en/latest/PyTorch/Python_Packages.html',
  habanaMegatronDeepSpeed:
    'HabanaAI/Megatron-DeepSpeed 1.19.0 (commit 891d6db): megatron/model/transformer.py HabanaFlashSelfAttention ' +
    '(FusedSDPA where CUDA runs flash-attn), scripts/run_llama.sh (HL_USE_FUSED_SDPA=1, ' +
    'HL_USE_FUSED_SDPA_WITH_RECOMPUTE=0), https://github.com/HabanaAI/Megatron-DeepSpeed',
  tpcLlvm:
    'HabanaAI/tpc_llvm (TPC-C compiler): clang/lib/Headers/tpc-special.h (v_exp_fast_f32: 26 VPU ops) and ' +
    'llvm/include/llvm/Transforms/IPO/TPCHeaders/Gaudi/ExpBF16.h (exp_bf16), https://github.com/HabanaAI/tpc_llvm',
});
