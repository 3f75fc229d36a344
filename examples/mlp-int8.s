; A two-layer int8 MLP on TPU v1: y = relu(relu(x W1) W2), each layer requantized to int8.
; Inputs: x (8x256), w1 (256x256), w2 (256x128), all int8. Output: y (8x128) int8.
; Run: tpusim run examples/mlp-int8.s --chip tpu-v1 --input x=examples/data/mlp-x.npy
;        --input w1=examples/data/mlp-w1.npy --input w2=examples/data/mlp-w2.npy --output out/
.chip tpu-v1
.dtype int8
.buffer host x    0       shape=8x256   dtype=int8
.buffer host y    auto    shape=8x128   dtype=int8  output
.buffer dram w1   0       shape=256x256 dtype=int8
.buffer dram w2   auto    shape=256x128 dtype=int8
.buffer ub   xin  0       bytes=2048
.buffer ub   h    auto    bytes=2048
.buffer ub   yub  auto    bytes=1024

    read_weights w1, 256, 256          ; both tiles head for the weight FIFO while the input arrives
    read_weights w2, 256, 128
    read_host    xin, x, 2048
    matmul       acc:0, xin, 8, 256, pop
    activate     h, acc:0, 8, 256, relu, scale=0.0009765625
    matmul       acc:8, h, 8, 256, pop
    activate     yub, acc:8, 8, 128, relu, scale=0.0009765625
    write_host   y, yub, 1024
    halt
