; A bf16 dense layer with bias and GELU on TPU v4, split over both TensorCores and two MXUs each:
; y = gelu(x W + b) with x 32x128, W 128x256, b 256, y 32x256 (bf16 throughout).
; Core c computes rows 16c..16c+15; its mxu0 the first 128 columns, its mxu1 the last 128.
.chip tpu-v4
.dtype bf16
.buffer host x     0     shape=32x128  dtype=bf16
.buffer host b     auto  shape=256     dtype=bf16
.buffer host y     auto  shape=32x256  dtype=bf16 output
.buffer dram w     0     shape=128x256 dtype=bf16
.buffer ub   xin   0     bytes=4096  core=0
.buffer ub   bias  4096  bytes=512   core=0
.buffer ub   yub   8192  bytes=8192  core=0

    ; Core 0: rows 0..15.
    read_host    xin, x, 4096, core=0
    read_host    bias, b, 512, core=0
    read_weights w, 128, 128, stride=512, core=0, mxu=0
    read_weights w+256, 128, 128, stride=512, core=0, mxu=1
    matmul       acc:0, xin, 16, 128, pop, core=0, mxu=0
    matmul       acc:16, xin, 16, 128, pop, core=0, mxu=1
    activate     yub, acc:0, 16, 128, identity, out=bf16, stride=512, core=0
    activate     yub+256, acc:16, 16, 128, identity, out=bf16, stride=512, core=0
    vector       add, yub, yub, 16, 256, src2=bias, bcast, dtype=bf16, core=0
    vector       gelu, yub, yub, 16, 256, dtype=bf16, core=0
    write_host   y, yub, 8192, core=0

    ; Core 1: rows 16..31 (its unified buffer has the same layout).
    read_host    ub:0, x+4096, 4096, core=1
    read_host    ub:4096, b, 512, core=1
    read_weights w, 128, 128, stride=512, core=1, mxu=0
    read_weights w+256, 128, 128, stride=512, core=1, mxu=1
    matmul       acc:0, ub:0, 16, 128, pop, core=1, mxu=0
    matmul       acc:16, ub:0, 16, 128, pop, core=1, mxu=1
    activate     ub:8192, acc:0, 16, 128, identity, out=bf16, stride=512, core=1
    activate     ub:8448, acc:16, 16, 128, identity, out=bf16, stride=512, core=1
    vector       add, ub:8192, ub:8192, 16, 256, src2=ub:4096, bcast, dtype=bf16, core=1
    vector       gelu, ub:8192, ub:8192, 16, 256, dtype=bf16, core=1
    write_host   y+8192, ub:8192, 8192, core=1
    halt
