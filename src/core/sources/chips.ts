import { defineSources } from './registry.js';

/** Chips: papers, vendor documents and measurements the chip presets (arch/presets) cite. Also the home of the
 * sources every domain shares: the TPU papers, the scaling book, and `tpusim` (our own estimate, explained in
 * its note). */
export const CHIP_SOURCES = defineSources({
  jouppi2017:
    'N. P. Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing Unit", ISCA 2017, ' +
    'arXiv:1704.04760',
  jouppi2021:
    'N. P. Jouppi et al., "Ten Lessons From Three Generations Shaped Google\'s TPUv4i", ISCA 2021 (Table 1), ' +
    'doi:10.1109/ISCA52012.2021.00010',
  jouppi2023:
    'N. P. Jouppi et al., "TPU v4: An Optically Reconfigurable Supercomputer for Machine Learning with Hardware ' +
    'Support for Embeddings", ISCA 2023, arXiv:2304.01433',
  norrie2021:
    'T. Norrie et al., "The Design Process for Google\'s Training Chips: TPUv2 and TPUv3", IEEE Micro 41(2), 2021',
  scalingBook:
    'J. Austin et al., "How to Scale Your Model", Google DeepMind, 2025 (TPU chapter), ' +
    'https://jax-ml.github.io/scaling-book/',
  jaxTpuInfo:
    'JAX source, jax/_src/pallas/mosaic/tpu_info.py (per-TensorCore constants for TPU v2 to 7x), ' +
    'https://github.com/jax-ml/jax',
  gcloudArch:
    'Google Cloud TPU documentation, "TPU architecture", https://cloud.google.com/tpu/docs/system-architecture-tpu-vm',
  gcloudV3: 'Google Cloud TPU documentation, "TPU v3", https://cloud.google.com/tpu/docs/v3',
  gcloudV5e: 'Google Cloud TPU documentation, "TPU v5e", https://cloud.google.com/tpu/docs/v5e',
  gcloudV5p: 'Google Cloud TPU documentation, "TPU v5p", https://cloud.google.com/tpu/docs/v5p',
  gcloudV6e: 'Google Cloud TPU documentation, "TPU v6e" (Trillium), https://cloud.google.com/tpu/docs/v6e',
  gcloudTpu7x: 'Google Cloud TPU documentation, "TPU7x" (Ironwood), https://cloud.google.com/tpu/docs/tpu7x',
  tpuRecipesMicrobench:
    'AI-Hypercomputer/tpu-recipes, microbenchmarks/README.md (commit c8cfe2f): benchmark_matmul.py on a v6e-1, ' +
    'bf16 8192 x 8192 x 8192 in 1.3288 ms, 827.5 TFLOP/s (device time from the trace)',
  tpuRecipesHbm:
    'AI-Hypercomputer/tpu-recipes, microbenchmarks/ironwood/hbm/hbm.md (commit c8cfe2f): "Expected bandwidth for ' +
    'different matrix size", tpu7x-2x2x1, GB/s per core and per chip',
  acceleratorMicrobench:
    'AI-Hypercomputer/accelerator-microbenchmarks, Ironwood/Ironwood_Microbenchmarks_readme.md, Results/GEMM ' +
    '(2026, before commit 6fb64bc): gemm_multiple_run, bf16, per JAX device (one TensorCore), ' +
    '--xla_tpu_dvfs_p_state=7: 893 TFLOP/s at m = n = k = 4096, 950 at 16384, 956 at 32768',
  jaxPallasMatmul:
    'JAX documentation, "Pallas TPU: Matrix Multiplication" notebook (docs/pallas/tpu/matmul.ipynb at 1082251c), ' +
    'XLA matmul cell output on a TPU v5e: bf16 8192 x 8192 x 8192 in 6.047 ms, 181.8 TFLOP/s, "FLOP/s ' +
    'utilization: 92.2960%"',
  googleIronwood:
    'Google, "Ironwood: The first Google TPU for the age of inference", April 2025, ' +
    'https://blog.google/products/google-cloud/ironwood-tpu-age-of-inference/',
  nvidiaA100:
    'NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020) and A100 datasheet, ' +
    'https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/nvidia-ampere-architecture-whitepaper.pdf',
  nvidiaH100:
    'NVIDIA H100 Tensor Core GPU Architecture whitepaper and H100 datasheet (2022), ' +
    'https://resources.nvidia.com/en-us-tensor-core',
  nvidiaH200: 'NVIDIA H200 Tensor Core GPU datasheet (2024), https://www.nvidia.com/en-us/data-center/h200/',
  nvidiaBlackwell: 'NVIDIA HGX B200 / Blackwell datasheets (2024), https://www.nvidia.com/en-us/data-center/hgx/',
  glennklockwood:
    'G. Lockwood, digital garden: H100 and B200 pages (figures from NVIDIA documents), ' +
    'https://glennklockwood.com/garden/processors/',
  cudaGuide:
    'NVIDIA CUDA C++ Programming Guide: "Technical Specifications per Compute Capability", "Shared Memory" (32 ' +
    'banks of 4 bytes) and the "Arithmetic Instructions" throughput table (16 results per clock per SM for ' +
    'exp2/log2/rsqrt, compute capability 7.x-9.0), https://docs.nvidia.com/cuda/cuda-c-programming-guide/',
  ptxIsa:
    'NVIDIA PTX ISA, "Tensor Memory" (tcgen05, sm_100a): 128 lanes x 512 columns of 32-bit cells per SM, ' +
    'https://docs.nvidia.com/cuda/parallel-thread-execution/',
  cutlass:
    'NVIDIA CUTLASS: include/cutlass/gemm/device/default_gemm_configuration.h (Sm80 defaults) and the CUTLASS 3 ' +
    'Sm90/Sm100 collective builders, https://github.com/NVIDIA/cutlass',
  rocmMi300:
    'AMD ROCm documentation, "AMD Instinct MI300 series microarchitecture" (peak-throughput table), ' +
    'https://rocm.docs.amd.com/en/latest/conceptual/gpu-arch/mi300.html',
  rocmGpuSpecs:
    'AMD ROCm documentation, "AMD GPU specifications" (CDNA 3 rows), ' +
    'https://rocm.docs.amd.com/en/latest/reference/gpu-specs.html',
  amdMi300x:
    'AMD Instinct MI300X product page and data sheet, ' +
    'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html',
  mlcommonsMi300x:
    'MLCommons Inference v4.1, AMD system description "AMD Instinct MI300X-NPS1-SPX-192GB-750W", ' +
    'https://github.com/mlcommons/inference_results_v4.1',
  awsTrn2:
    'AWS Neuron documentation, "Trainium2 architecture" and "NeuronCore-v3", ' +
    'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/about-neuron/arch/neuron-hardware/trainium2.html',
  awsNki:
    'AWS Neuron NKI guide, "Trainium2 architecture" (TensorE, SBUF, PSUM, engine clocks), ' +
    'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/nki/guides/architecture/trainium2_arch.html',
  pcie3: 'PCI-SIG, PCI Express Base Specification Revision 3.0 (8 GT/s per lane, 128b/130b encoding)',
  pcie4: 'PCI-SIG, PCI Express Base Specification Revision 4.0 (16 GT/s per lane, 128b/130b encoding)',
  pcie5: 'PCI-SIG, PCI Express Base Specification Revision 5.0 (32 GT/s per lane, 128b/130b encoding)',
  vllmKvOffloadBlog:
    'Or Ozeri, Danny Harnik, "Inside vLLM\'s New KV Offloading Connector", vLLM blog, 2026-01-08, Figure 4 (single ' +
    'CPU -> GPU transfer throughput, NVIDIA H100 80GB HBM3 with Intel Xeon Sapphire Rapids, 1000 blocks of 4 KB to ' +
    '16 MB by cudaMemcpyAsync), https://blog.vllm.ai/2026/01/08/kv-offloading-connector.html',
  jedecDdr3: 'JEDEC JESD79-3 DDR3 SDRAM standard (typical row-miss latency tRCD + CL ~ 30 ns at DDR3-1600)',
  jedecHbm2: 'JEDEC JESD235 HBM standard (HBM2 access latency ~ 100 ns as commonly measured)',
  nvidiaV100:
    'NVIDIA Tesla V100 GPU Architecture whitepaper (2017) and V100 datasheet, ' +
    'https://images.nvidia.com/content/volta-architecture/pdf/volta-architecture-whitepaper.pdf',
  nvidiaH800: 'NVIDIA H800 Tensor Core GPU datasheet (2023): the H100 SXM5 with NVLink and FP64 limited for export',
  nvidiaGh200:
    'NVIDIA GH200 Grace Hopper Superchip datasheet and architecture whitepaper (2023-2024), ' +
    'https://www.nvidia.com/en-us/data-center/grace-hopper-superchip/',
  nvidiaL40s: 'NVIDIA L40S GPU datasheet (2023), https://www.nvidia.com/en-us/data-center/l40s/',
  nvidiaAda: 'NVIDIA Ada GPU Architecture whitepaper (2023): AD102 die, SM and cache figures',
  amdMi325x:
    'AMD Instinct MI325X product page and data sheet (2024), ' +
    'https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html',
  intelHc2024:
    'R. Kaplan, "Intel Gaudi 3 AI Accelerator: Architected for Gen AI Training and Inference", Hot Chips 2024 ' +
    '(slides with a Gaudi / Gaudi 2 / Gaudi 3 table)',
  intelGaudi2:
    'Habana Labs, "Gaudi2 White Paper" (May 2022) and Intel Gaudi 2 AI accelerator white paper, ' +
    'https://www.intel.com/content/www/us/en/content-details/839363/',
  intelGaudi3:
    'Intel, "Intel Gaudi 3 AI Accelerator White Paper" (2024), ' +
    'https://www.intel.com/content/www/us/en/content-details/817486/',
  habanaDocs:
    'Intel Gaudi documentation, "Gaudi Architecture" and "TPC User Guide" (2048-bit SIMD TPC, MME and TPC ' +
    'concurrency), https://docs.habana.ai/en/latest/',
  mlEngineering:
    'S. Bekman, "Machine Learning Engineering Open Book", compute/accelerator/README.md, "Maximum Achievable ' +
    'Matmul FLOPS comparison table" (bf16, best shape of a search; read at commit 744d01e, August 2026), ' +
    'https://github.com/stas00/ml-engineering',
  nvForumV100Gemm:
    'NVIDIA Developer Forums, "Understanding IPC and Issue Slot Utilization when using Tensor Cores": ' +
    'cuBLAS fp16 GEMM M = N = K = 8192 on a Tesla V100 PCIe at ~101 TFLOPS, ~90% of its 112 TFLOPS peak, kernel ' +
    'volta_h884gemm_128x128_ldg8_nn, ' +
    'https://forums.developer.nvidia.com/t/understanding-ipc-and-issue-slot-utilization-when-using-tensor-cores/79781',
  nvForumA100Bandwidth:
    'NVIDIA Developer Forums, "Trouble to Reach Peak Bandwidth of A100" (2025): a DRAM read kernel on an A100 ' +
    '80GB SXM at 1.80 TB/s of the 2.04 in the data sheet, 88% by Nsight Compute too, ' +
    'https://forums.developer.nvidia.com/t/trouble-to-reach-peak-bandwidth-of-a100/339083',
  markidis2018:
    'S. Markidis et al., "NVIDIA Tensor Core Programmability, Performance & Precision", IPDPS Workshops 2018, ' +
    'arXiv:1803.04014',
  metaMtiaV1:
    'Meta, "MTIA v1: Meta\'s first-generation AI inference accelerator" (blog, May 2023), and A. Firoozshahian ' +
    'et al., "MTIA: First Generation Silicon Targeting Meta\'s Recommendation Systems", ISCA 2023',
  metaMtiaV2:
    'Meta, "Our next generation Meta Training and Inference Accelerator" (blog, April 2024), with its ' +
    'specification table as re-published by hardwarebee.com and techpowerup.com',
  nvidiaT4:
    'NVIDIA T4 Tensor Core GPU datasheet (2018), and the NVIDIA Turing GPU Architecture whitepaper (2018): TU104 die',
  gpuDatabase:
    'TechPowerUp GPU database entries as re-published by sysrqmts.com (NVIDIA Tesla T4: TU104, 545 mm^2, 12 nm, ' +
    '40 SMs, 320 tensor cores)',
  nvidiaA10: 'NVIDIA A10 Tensor Core GPU datasheet (2021), https://www.nvidia.com/en-us/data-center/products/a10-gpu/',
  gpuDatabaseA10:
    'TechPowerUp GPU database entry as re-published by sysrqmts.com (NVIDIA A10 PCIe: GA102-890-A1, Samsung 8 nm, ' +
    '628 mm^2, 72 SMs, 288 tensor cores, 6 MB L2, 1695 MHz boost, 384-bit GDDR6 at 12.5 Gb/s, 600.2 GB/s)',
  tpusim: 'tpusim estimate: not published; the note says how the number was chosen',
  tpusimMeasured:
    'tpusim measurement, 2026-11-26: scripts/gpu-measure.py (PyTorch 2.11, CUDA 13.0) on one lent H100 SXM and ' +
    'one H200; data in data/gpu-measured/ (docs/gpu-measured.md)',
});
