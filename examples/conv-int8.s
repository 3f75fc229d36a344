; A 3x3 convolution with ReLU and 2x2 max pooling on TPU v1, as nine accumulating matmuls.
; Input 6x6 pixels x 16 channels (HWC, int8), filters 3x3x16x32 (one 16x32 tile per tap),
; output 4x4x32 after the convolution, 2x2x32 after pooling.
; Each tap (dy, dx) multiplies the 16 output pixels' shifted inputs by that tap's tile: output pixel
; (y, x) reads input pixel (y + dy, x + dx); rows of 4 pixels are 16 bytes apart, image rows 96.
.chip tpu-v1
.dtype int8
.buffer host image 0     shape=6x6x16     dtype=int8
.buffer host out   auto  shape=2x2x32     dtype=int8 output
.buffer dram w     0     shape=3x3x16x32  dtype=int8
.buffer ub   in    0     bytes=576
.buffer ub   pooled auto bytes=128

    read_host    in, image, 576
    read_weights w+0,    16, 32
    matmul       acc:0, in+0,   16, 16, group=4, gstride=96, pop
    read_weights w+512,  16, 32
    matmul       acc:0, in+16,  16, 16, group=4, gstride=96, acc, pop
    read_weights w+1024, 16, 32
    matmul       acc:0, in+32,  16, 16, group=4, gstride=96, acc, pop
    read_weights w+1536, 16, 32
    matmul       acc:0, in+96,  16, 16, group=4, gstride=96, acc, pop
    read_weights w+2048, 16, 32
    matmul       acc:0, in+112, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+2560, 16, 32
    matmul       acc:0, in+128, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+3072, 16, 32
    matmul       acc:0, in+192, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+3584, 16, 32
    matmul       acc:0, in+208, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+4096, 16, 32
    matmul       acc:0, in+224, 16, 16, group=4, gstride=96, acc, pop
    activate     pooled, acc:0, 16, 32, relu, scale=0.0078125, pool=max, ph=2, pw=2, ps=2, iw=4
    write_host   out, pooled, 128
    halt
