import { defineSources } from './registry.js';

/**
 * Systems and transports: the system presets (cluster/systems-*.ts) and the network transport profiles
 * (cluster/transports.ts).
 */
export const SYSTEM_TRANSPORT_SOURCES = defineSources({
  dgxA100:
    'NVIDIA DGX A100 datasheet and "NVIDIA DGX SuperPOD: Scalable Infrastructure for AI Leadership" reference ' +
    'architecture with DGX A100 (8 x ConnectX-6 HDR 200 Gb/s per system, rail-optimised non-blocking fat tree), ' +
    'https://www.nvidia.com/en-us/data-center/dgx-a100/',
  selene:
    'NVIDIA Selene (DGX SuperPOD of DGX A100), TOP500 list November 2020 and NVIDIA announcements: 560 DGX A100 ' +
    'systems',
  dgxH100:
    'NVIDIA, "DGX SuperPOD: Next Generation Scalable Infrastructure for AI Leadership", reference architecture ' +
    'featuring DGX H100, RA-11333-001 (2023)',
  dgxGb200:
    'NVIDIA, "DGX SuperPOD ... Reference Architecture Featuring NVIDIA DGX GB200", ' +
    'https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-gb200/',
  hgxAiFactory:
    'NVIDIA, "NVIDIA HGX AI Factory (H100, H200, B200)" enterprise reference architecture: 2-8-9-400 nodes (8 ' +
    'GPUs, 400 Gb/s per GPU), 32, 64 and 128 node design points, ' +
    'https://docs.nvidia.com/enterprise-reference-architectures/hgx-ai-factory-h100-h200-b200/',
  chowdhery2022:
    'A. Chowdhery et al., "PaLM: Scaling Language Modeling with Pathways", arXiv:2204.02311 (2022), Section 4, ' +
    'Training Infrastructure',
  nccl:
    'NVIDIA NCCL, src/graph/tuning.cc (per-step latencies hwLat, ring and tree bandwidth model), ' +
    'https://github.com/NVIDIA/nccl',
  ncclTuning:
    'NVIDIA NCCL v2.30, src/graph/tuning.cc (hwLatencies: one ring/tree step per protocol over NVLink and over ' +
    'the network, InfiniBand being the network NCCL models; a network plugin adds its own latency per step) and ' +
    'src/transport/net_ib.cc (one verbs transport for InfiniBand and RoCE), https://github.com/NVIDIA/nccl',
  awsOfiPlatform:
    'aws/aws-ofi-nccl, src/platform-aws.cpp at 2daf7d3 (2026): per-platform defaults; p4d/p4de use the SENDRECV ' +
    'protocol, p5 and later RDMA write; NCCL_PROTO=simple is forced "when byte delivery ordering is not ' +
    'guaranteed ... as the LL/LL128 protocols can lead to data corruption", https://github.com/aws/aws-ofi-nccl',
  awsOfiTuner:
    "aws/aws-ofi-nccl, src/tuner/nccl_ofi_model.cpp and include/nccl_ofi_param.h at 2daf7d3: the plugin's own " +
    "cost model of EFA, net_lat per platform ('2 nodes, 8B RDMA w/imm lat': P5 & P5e 20.0 us, P5en 18.0 us) and " +
    "TUNER_NET_COMP_OVERHEAD 3 us for Simple ('~2µsec cost in the device and ~1µsec cost to write that " +
    "completion up to the host stack'); src/tuner/nccl_ofi_regions.cpp picks Tree/LL and LL128 on p6-b200",
  awsOfiIssue76:
    'aws/aws-ofi-nccl issue #76 (2021), AWS maintainer: "NCCL_PROTO=simple is a must to ensure data consistency ' +
    'when using EFA as a network provider. EFA doesn\'t support LL and LL128 variants."',
  awsOfiPr516:
    'aws/aws-ofi-nccl pull request #516 (Aug 2024), "Do not skip the WRITE_IN_ORDER_ALIGNED_128_BYTES check for ' +
    'P5": "EFA now reports WRITE_IN_ORDER_ALIGNED_128_BYTES for this platform and the plugin no longer has to ' +
    'override this check to support the low-latency protocols" (the override came with #280, Sep 2023)',
  gcpTcpx:
    'GoogleCloudPlatform/container-engine-accelerators, gpudirect-tcpx/README.md (GPUDirect-TCPX release notes, ' +
    'Feb 2024 and Jun 2026): NCCL configs "NCCL_PROTO=Simple", "NCCL_ALGO=Ring" (Ring,Tree from 2026)',
  gcpTcpxScripts:
    'google/nccl-plugin-gpudirecttcpx, scripts/run-nccl.sh (behind run-allgather.sh, which the dstack A3 High run ' +
    'calls), and container-engine-accelerators gpudirect-tcpx/nccl-config-latest.yaml: NCCL_MIN_NCHANNELS=8, ' +
    'NCCL_MAX_NCHANNELS=8, NCCL_SOCKET_NTHREADS=1, NCCL_NSOCKS_PERTHREAD=4, NCCL_ALGO=Ring, NCCL_PROTO=Simple',
  gcpTcpxo:
    'GoogleCloudPlatform/container-engine-accelerators, gpudirect-tcpxo/README.md and best-practice.md ' +
    '(GPUDirect-TCPXO release notes, 2024-2026): NCCL configs "NCCL_PROTO=Simple,LL128"; "LL128 is a NCCL ' +
    'feature that gives non-trivial latency reductions for small-medium msg sizes"',
  gcpGpuNetwork:
    'Google Cloud, "Networking and GPU machines" ' +
    '(docs.cloud.google.com/compute/docs/gpus/gpu-network-bandwidth): A3 Mega GPUDirect-TCPXO, A3 High and A3 ' +
    'Edge GPUDirect-TCPX, A3 Ultra and A4 GPUDirect RDMA over ConnectX-7',
  tpuMicrobenchmarks:
    'AI-Hypercomputer/accelerator-microbenchmarks, Ironwood/guides/collectives/all_gather.md at ecd4c82 (Dec ' +
    '2025): measured TPU7x all-gather times over 4 devices from 1.6 MB to 403 MB',
  nccltests:
    'NVIDIA nccl-tests: each size runs warmup iterations, then timed iterations launched back to back on the ' +
    "GPU's stream, the time being the average per operation, https://github.com/NVIDIA/nccl-tests",
  allReduceBench:
    'S. Bekman, ml-engineering, network/benchmarks/all_reduce_bench.py (pinned 744d01e): each timed call is ' +
    'dist.barrier(), a CUDA event, one blocking dist.all_reduce, a CUDA event and torch.cuda.synchronize(); "it ' +
    'uses a blocking approach - that is it waits for each new all_reduce to finish before firing the next one, ' +
    'whereas nccl-tests fires them all in an async fashion"',
});
