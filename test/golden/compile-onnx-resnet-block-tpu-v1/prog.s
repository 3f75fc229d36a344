; tpusim program (disassembled)
.chip tpu-v1
.dtype int8
.buffer host input.host 0 bytes=3136 shape=1x14x14x16 dtype=int8
.buffer dram _conv1_Conv.weights 0 bytes=4608 shape=9x1x16x32 dtype=int8
.buffer dram _conv1_Conv.bias 4608 bytes=128 shape=32 dtype=int32
.buffer dram _conv1_Conv.scale 4736 bytes=128 shape=32 dtype=fp32
.buffer dram _conv2_Conv.weights 4864 bytes=9216 shape=9x1x32x32 dtype=int8
.buffer dram _conv2_Conv.bias 14080 bytes=128 shape=32 dtype=int32
.buffer dram _conv2_Conv.scale 14208 bytes=128 shape=32 dtype=fp32
.buffer dram _downsample_0_Conv.weights 14336 bytes=512 shape=1x1x16x32 dtype=int8
.buffer dram _downsample_0_Conv.bias 14848 bytes=128 shape=32 dtype=int32
.buffer dram _downsample_0_Conv.scale 14976 bytes=128 shape=32 dtype=fp32
.buffer host output.host 3136 bytes=1568 shape=1x7x7x32 dtype=int8 output
.init _conv1_Conv.weights "prog.s.data/_conv1_Conv.weights.npy"
.init _conv1_Conv.bias "prog.s.data/_conv1_Conv.bias.npy"
.init _conv1_Conv.scale "prog.s.data/_conv1_Conv.scale.npy"
.init _conv2_Conv.weights "prog.s.data/_conv2_Conv.weights.npy"
.init _conv2_Conv.bias "prog.s.data/_conv2_Conv.bias.npy"
.init _conv2_Conv.scale "prog.s.data/_conv2_Conv.scale.npy"
.init _downsample_0_Conv.weights "prog.s.data/_downsample_0_Conv.weights.npy"
.init _downsample_0_Conv.bias "prog.s.data/_downsample_0_Conv.bias.npy"
.init _downsample_0_Conv.scale "prog.s.data/_downsample_0_Conv.scale.npy"
_conv1_Conv:
    read_weights _conv1_Conv.weights, 48, 32, stride=32
    read_weights _conv1_Conv.weights+1536, 48, 32, stride=32
    read_weights _conv1_Conv.weights+3072, 48, 32, stride=32
_conv2_Conv:
    read_weights _conv2_Conv.weights, 96, 32, stride=32
input_input:
    fill         ub:0, 1, 4096, 0, dtype=int8
    read_host    ub:272, input.host, 224, rows=14, sstride=224, dstride=256
    fill         ub:4096, 1, 2592, 0, dtype=int8
    matmul       acc:0, ub:0, 49, 48, stride=32, group=7, gstride=512, pop
    read_weights _conv2_Conv.weights+3072, 96, 32, stride=32
    matmul       acc:0, ub:256, 49, 48, stride=32, group=7, gstride=512, acc, pop
    read_weights _conv2_Conv.weights+6144, 96, 32, stride=32
    matmul       acc:0, ub:512, 49, 48, stride=32, group=7, gstride=512, acc, pop
_downsample_0_Conv:
    read_weights _downsample_0_Conv.weights, 16, 32, stride=32
    activate     ub:4416, acc:0, 49, 32, relu, scale=0.02666633203625679, outscale=0.01916167512536049, bias=_conv1_Conv.bias, cscale=_conv1_Conv.scale, stride=32, group=7, gstride=288
    matmul       acc:2048, ub:4096, 49, 96, stride=32, group=7, gstride=288, pop
    matmul       acc:2048, ub:4384, 49, 96, stride=32, group=7, gstride=288, acc, pop
    matmul       acc:2048, ub:4672, 49, 96, stride=32, group=7, gstride=288, acc, pop
    activate     ub:4096, acc:2048, 49, 32, identity, scale=0.01916167512536049, outscale=0.010371912270784378, bias=_conv2_Conv.bias, cscale=_conv2_Conv.scale, stride=32, group=7, gstride=224
    matmul       acc:0, ub:272, 49, 16, stride=32, group=7, gstride=512, pop
    activate     ub:0, acc:0, 49, 32, identity, scale=0.02666633203625679, outscale=0.023014407604932785, bias=_downsample_0_Conv.bias, cscale=_downsample_0_Conv.scale, stride=32, group=7, gstride=224
_Add:
    vector       add, ub:1600, ub:4096, 1, 1568, src2=ub:0, dtype=int8, iscale=0.010371912270784378, iscale2=0.023014407604932785, oscale=0.023037225008010864
_relu_1_Relu:
    vector       relu, ub:0, ub:1600, 1, 1568, dtype=int8, iscale=0.023037225008010864, oscale=0.023037225008010864
output_output:
    write_host   output.host, ub:0, 1568
end:
    halt
