; tpusim program (disassembled)
.chip tpu-v1
.dtype int8
.buffer host image 0 bytes=576 shape=6x6x16 dtype=int8
.buffer dram w 0 bytes=4608 shape=3x3x16x32 dtype=int8
.buffer ub in 0 bytes=576
.buffer host out 576 bytes=128 shape=2x2x32 dtype=int8 output
.buffer ub pooled 576 bytes=128
    read_host    in, image, 576
    read_weights w, 16, 32
    matmul       acc:0, in, 16, 16, group=4, gstride=96, pop
    read_weights w+512, 16, 32
    matmul       acc:0, in+16, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+1024, 16, 32
    matmul       acc:0, in+32, 16, 16, group=4, gstride=96, acc, pop
    read_weights w+1536, 16, 32
    matmul       acc:0, in+96, 16, 16, group=4, gstride=96, acc, pop
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

