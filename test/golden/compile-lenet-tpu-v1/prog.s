; tpusim program (disassembled)
.chip tpu-v1
.dtype int8
.buffer host input.host 0 bytes=1024 shape=1x32x32x1 dtype=int8
.buffer dram c1.weights 0 bytes=150 shape=25x1x1x6 dtype=int8
.buffer dram s2.coefficient.const 192 bytes=24 shape=6 dtype=fp32
.buffer dram s2.bias.const 256 bytes=24 shape=6 dtype=fp32
.buffer dram c3.0.weights 320 bytes=2700 shape=25x1x18x6 dtype=int8
.buffer dram c3.1.weights 3072 bytes=8100 shape=25x1x36x9 dtype=int8
.buffer dram c3.2.weights 11200 bytes=150 shape=25x1x6x1 dtype=int8
.buffer dram s4.coefficient.const 11392 bytes=64 shape=16 dtype=fp32
.buffer dram s4.bias.const 11456 bytes=64 shape=16 dtype=fp32
.buffer dram c5.weights 11520 bytes=48000 shape=25x1x16x120 dtype=int8
.buffer dram f6.weights 59520 bytes=10080 shape=120x84 dtype=int8
.buffer dram output.centres.const 69632 bytes=3360 shape=840 dtype=fp32
.buffer host output.host 1024 bytes=10 shape=1x10 dtype=int8 output
c1:
    read_weights c1.weights, 5, 6, stride=6
    read_weights c1.weights+30, 5, 6, stride=6
    read_weights c1.weights+60, 5, 6, stride=6
    read_weights c1.weights+90, 5, 6, stride=6
constants:
    dma          ub:0, s2.coefficient.const, 24
    dma          ub:64, s2.bias.const, 24
    dma          ub:128, s4.coefficient.const, 64
    dma          ub:192, s4.bias.const, 64
    dma          ub:256, output.centres.const, 3360
input_input:
    read_host    ub:3648, input.host, 1024
    matmul       acc:0, ub:3648, 784, 5, stride=1, group=28, gstride=32, pop
    read_weights c1.weights+120, 5, 6, stride=6
    matmul       acc:0, ub:3680, 784, 5, stride=1, group=28, gstride=32, acc, pop
c3_0:
    read_weights c3.0.weights, 18, 6, stride=6
    matmul       acc:0, ub:3712, 784, 5, stride=1, group=28, gstride=32, acc, pop
    read_weights c3.0.weights+108, 18, 6, stride=6
    matmul       acc:0, ub:3744, 784, 5, stride=1, group=28, gstride=32, acc, pop
    read_weights c3.0.weights+216, 18, 6, stride=6
    matmul       acc:0, ub:3776, 784, 5, stride=1, group=28, gstride=32, acc, pop
    read_weights c3.0.weights+324, 18, 6, stride=6
    activate     ub:3648, acc:0, 784, 6, tanh, stride=6, group=28, gstride=168
averagepool_2_pool:
    pool         ub:8384, ub:3648, avg, 6, 28, 28, 2, 2, 2, dstride=84
mul_3:
    vector       copy, ub:3648, ub:8384, 1, 1176, dtype=int8, out=fp32
    vector       mul, ub:8384, ub:3648, 196, 6, src2=ub:0, out=int8, bcast
s2:
    vector       copy, ub:3648, ub:8384, 1, 1176, dtype=int8, out=fp32
    vector       add, ub:8384, ub:3648, 196, 6, src2=ub:64, out=int8, bcast
tanh_5:
    vector       tanh, ub:3648, ub:8384, 1, 1176, dtype=int8
gather_6:
    dma          ub:4864, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:5060, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:5256, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:5452, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:5648, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:5844, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:6040, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:6236, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:6432, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:6628, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:6824, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:7020, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:7216, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:7412, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:7608, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:7804, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:8000, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:8196, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:8448, ub:4864, 1, rows=18, sstride=196, dstride=1
    dma          ub:8466, ub:4865, 1, rows=18, sstride=196, dstride=1
    dma          ub:8484, ub:4866, 1, rows=18, sstride=196, dstride=1
    dma          ub:8502, ub:4867, 1, rows=18, sstride=196, dstride=1
    dma          ub:8520, ub:4868, 1, rows=18, sstride=196, dstride=1
    dma          ub:8538, ub:4869, 1, rows=18, sstride=196, dstride=1
    dma          ub:8556, ub:4870, 1, rows=18, sstride=196, dstride=1
    dma          ub:8574, ub:4871, 1, rows=18, sstride=196, dstride=1
    dma          ub:8592, ub:4872, 1, rows=18, sstride=196, dstride=1
    dma          ub:8610, ub:4873, 1, rows=18, sstride=196, dstride=1
    dma          ub:8628, ub:4874, 1, rows=18, sstride=196, dstride=1
    dma          ub:8646, ub:4875, 1, rows=18, sstride=196, dstride=1
    dma          ub:8664, ub:4876, 1, rows=18, sstride=196, dstride=1
    dma          ub:8682, ub:4877, 1, rows=18, sstride=196, dstride=1
    dma          ub:8700, ub:4878, 1, rows=18, sstride=196, dstride=1
    dma          ub:8718, ub:4879, 1, rows=18, sstride=196, dstride=1
    dma          ub:8736, ub:4880, 1, rows=18, sstride=196, dstride=1
    dma          ub:8754, ub:4881, 1, rows=18, sstride=196, dstride=1
    dma          ub:8772, ub:4882, 1, rows=18, sstride=196, dstride=1
    dma          ub:8790, ub:4883, 1, rows=18, sstride=196, dstride=1
    dma          ub:8808, ub:4884, 1, rows=18, sstride=196, dstride=1
    dma          ub:8826, ub:4885, 1, rows=18, sstride=196, dstride=1
    dma          ub:8844, ub:4886, 1, rows=18, sstride=196, dstride=1
    dma          ub:8862, ub:4887, 1, rows=18, sstride=196, dstride=1
    dma          ub:8880, ub:4888, 1, rows=18, sstride=196, dstride=1
    dma          ub:8898, ub:4889, 1, rows=18, sstride=196, dstride=1
    dma          ub:8916, ub:4890, 1, rows=18, sstride=196, dstride=1
    dma          ub:8934, ub:4891, 1, rows=18, sstride=196, dstride=1
    dma          ub:8952, ub:4892, 1, rows=18, sstride=196, dstride=1
    dma          ub:8970, ub:4893, 1, rows=18, sstride=196, dstride=1
    dma          ub:8988, ub:4894, 1, rows=18, sstride=196, dstride=1
    dma          ub:9006, ub:4895, 1, rows=18, sstride=196, dstride=1
    dma          ub:9024, ub:4896, 1, rows=18, sstride=196, dstride=1
    dma          ub:9042, ub:4897, 1, rows=18, sstride=196, dstride=1
    dma          ub:9060, ub:4898, 1, rows=18, sstride=196, dstride=1
    dma          ub:9078, ub:4899, 1, rows=18, sstride=196, dstride=1
    dma          ub:9096, ub:4900, 1, rows=18, sstride=196, dstride=1
    dma          ub:9114, ub:4901, 1, rows=18, sstride=196, dstride=1
    dma          ub:9132, ub:4902, 1, rows=18, sstride=196, dstride=1
    dma          ub:9150, ub:4903, 1, rows=18, sstride=196, dstride=1
    dma          ub:9168, ub:4904, 1, rows=18, sstride=196, dstride=1
    dma          ub:9186, ub:4905, 1, rows=18, sstride=196, dstride=1
    dma          ub:9204, ub:4906, 1, rows=18, sstride=196, dstride=1
    dma          ub:9222, ub:4907, 1, rows=18, sstride=196, dstride=1
    dma          ub:9240, ub:4908, 1, rows=18, sstride=196, dstride=1
    dma          ub:9258, ub:4909, 1, rows=18, sstride=196, dstride=1
    dma          ub:9276, ub:4910, 1, rows=18, sstride=196, dstride=1
    dma          ub:9294, ub:4911, 1, rows=18, sstride=196, dstride=1
    dma          ub:9312, ub:4912, 1, rows=18, sstride=196, dstride=1
    dma          ub:9330, ub:4913, 1, rows=18, sstride=196, dstride=1
    dma          ub:9348, ub:4914, 1, rows=18, sstride=196, dstride=1
    dma          ub:9366, ub:4915, 1, rows=18, sstride=196, dstride=1
    dma          ub:9384, ub:4916, 1, rows=18, sstride=196, dstride=1
    dma          ub:9402, ub:4917, 1, rows=18, sstride=196, dstride=1
    dma          ub:9420, ub:4918, 1, rows=18, sstride=196, dstride=1
    dma          ub:9438, ub:4919, 1, rows=18, sstride=196, dstride=1
    dma          ub:9456, ub:4920, 1, rows=18, sstride=196, dstride=1
    dma          ub:9474, ub:4921, 1, rows=18, sstride=196, dstride=1
    dma          ub:9492, ub:4922, 1, rows=18, sstride=196, dstride=1
    dma          ub:9510, ub:4923, 1, rows=18, sstride=196, dstride=1
    dma          ub:9528, ub:4924, 1, rows=18, sstride=196, dstride=1
    dma          ub:9546, ub:4925, 1, rows=18, sstride=196, dstride=1
    dma          ub:9564, ub:4926, 1, rows=18, sstride=196, dstride=1
    dma          ub:9582, ub:4927, 1, rows=18, sstride=196, dstride=1
    dma          ub:9600, ub:4928, 1, rows=18, sstride=196, dstride=1
    dma          ub:9618, ub:4929, 1, rows=18, sstride=196, dstride=1
    dma          ub:9636, ub:4930, 1, rows=18, sstride=196, dstride=1
    dma          ub:9654, ub:4931, 1, rows=18, sstride=196, dstride=1
    dma          ub:9672, ub:4932, 1, rows=18, sstride=196, dstride=1
    dma          ub:9690, ub:4933, 1, rows=18, sstride=196, dstride=1
    dma          ub:9708, ub:4934, 1, rows=18, sstride=196, dstride=1
    dma          ub:9726, ub:4935, 1, rows=18, sstride=196, dstride=1
    dma          ub:9744, ub:4936, 1, rows=18, sstride=196, dstride=1
    dma          ub:9762, ub:4937, 1, rows=18, sstride=196, dstride=1
    dma          ub:9780, ub:4938, 1, rows=18, sstride=196, dstride=1
    dma          ub:9798, ub:4939, 1, rows=18, sstride=196, dstride=1
    dma          ub:9816, ub:4940, 1, rows=18, sstride=196, dstride=1
    dma          ub:9834, ub:4941, 1, rows=18, sstride=196, dstride=1
    dma          ub:9852, ub:4942, 1, rows=18, sstride=196, dstride=1
    dma          ub:9870, ub:4943, 1, rows=18, sstride=196, dstride=1
    dma          ub:9888, ub:4944, 1, rows=18, sstride=196, dstride=1
    dma          ub:9906, ub:4945, 1, rows=18, sstride=196, dstride=1
    dma          ub:9924, ub:4946, 1, rows=18, sstride=196, dstride=1
    dma          ub:9942, ub:4947, 1, rows=18, sstride=196, dstride=1
    dma          ub:9960, ub:4948, 1, rows=18, sstride=196, dstride=1
    dma          ub:9978, ub:4949, 1, rows=18, sstride=196, dstride=1
    dma          ub:9996, ub:4950, 1, rows=18, sstride=196, dstride=1
    dma          ub:10014, ub:4951, 1, rows=18, sstride=196, dstride=1
    dma          ub:10032, ub:4952, 1, rows=18, sstride=196, dstride=1
    dma          ub:10050, ub:4953, 1, rows=18, sstride=196, dstride=1
    dma          ub:10068, ub:4954, 1, rows=18, sstride=196, dstride=1
    dma          ub:10086, ub:4955, 1, rows=18, sstride=196, dstride=1
    dma          ub:10104, ub:4956, 1, rows=18, sstride=196, dstride=1
    dma          ub:10122, ub:4957, 1, rows=18, sstride=196, dstride=1
    dma          ub:10140, ub:4958, 1, rows=18, sstride=196, dstride=1
    dma          ub:10158, ub:4959, 1, rows=18, sstride=196, dstride=1
    dma          ub:10176, ub:4960, 1, rows=18, sstride=196, dstride=1
    dma          ub:10194, ub:4961, 1, rows=18, sstride=196, dstride=1
    dma          ub:10212, ub:4962, 1, rows=18, sstride=196, dstride=1
    dma          ub:10230, ub:4963, 1, rows=18, sstride=196, dstride=1
    dma          ub:10248, ub:4964, 1, rows=18, sstride=196, dstride=1
    dma          ub:10266, ub:4965, 1, rows=18, sstride=196, dstride=1
    dma          ub:10284, ub:4966, 1, rows=18, sstride=196, dstride=1
    dma          ub:10302, ub:4967, 1, rows=18, sstride=196, dstride=1
    dma          ub:10320, ub:4968, 1, rows=18, sstride=196, dstride=1
    dma          ub:10338, ub:4969, 1, rows=18, sstride=196, dstride=1
    dma          ub:10356, ub:4970, 1, rows=18, sstride=196, dstride=1
    dma          ub:10374, ub:4971, 1, rows=18, sstride=196, dstride=1
    dma          ub:10392, ub:4972, 1, rows=18, sstride=196, dstride=1
    dma          ub:10410, ub:4973, 1, rows=18, sstride=196, dstride=1
    dma          ub:10428, ub:4974, 1, rows=18, sstride=196, dstride=1
    dma          ub:10446, ub:4975, 1, rows=18, sstride=196, dstride=1
    dma          ub:10464, ub:4976, 1, rows=18, sstride=196, dstride=1
    dma          ub:10482, ub:4977, 1, rows=18, sstride=196, dstride=1
    dma          ub:10500, ub:4978, 1, rows=18, sstride=196, dstride=1
    dma          ub:10518, ub:4979, 1, rows=18, sstride=196, dstride=1
    dma          ub:10536, ub:4980, 1, rows=18, sstride=196, dstride=1
    dma          ub:10554, ub:4981, 1, rows=18, sstride=196, dstride=1
    dma          ub:10572, ub:4982, 1, rows=18, sstride=196, dstride=1
    dma          ub:10590, ub:4983, 1, rows=18, sstride=196, dstride=1
    dma          ub:10608, ub:4984, 1, rows=18, sstride=196, dstride=1
    dma          ub:10626, ub:4985, 1, rows=18, sstride=196, dstride=1
    dma          ub:10644, ub:4986, 1, rows=18, sstride=196, dstride=1
    dma          ub:10662, ub:4987, 1, rows=18, sstride=196, dstride=1
    dma          ub:10680, ub:4988, 1, rows=18, sstride=196, dstride=1
    dma          ub:10698, ub:4989, 1, rows=18, sstride=196, dstride=1
    dma          ub:10716, ub:4990, 1, rows=18, sstride=196, dstride=1
    dma          ub:10734, ub:4991, 1, rows=18, sstride=196, dstride=1
    dma          ub:10752, ub:4992, 1, rows=18, sstride=196, dstride=1
    dma          ub:10770, ub:4993, 1, rows=18, sstride=196, dstride=1
    dma          ub:10788, ub:4994, 1, rows=18, sstride=196, dstride=1
    dma          ub:10806, ub:4995, 1, rows=18, sstride=196, dstride=1
    dma          ub:10824, ub:4996, 1, rows=18, sstride=196, dstride=1
    dma          ub:10842, ub:4997, 1, rows=18, sstride=196, dstride=1
    dma          ub:10860, ub:4998, 1, rows=18, sstride=196, dstride=1
    dma          ub:10878, ub:4999, 1, rows=18, sstride=196, dstride=1
    dma          ub:10896, ub:5000, 1, rows=18, sstride=196, dstride=1
    dma          ub:10914, ub:5001, 1, rows=18, sstride=196, dstride=1
    dma          ub:10932, ub:5002, 1, rows=18, sstride=196, dstride=1
    dma          ub:10950, ub:5003, 1, rows=18, sstride=196, dstride=1
    dma          ub:10968, ub:5004, 1, rows=18, sstride=196, dstride=1
    dma          ub:10986, ub:5005, 1, rows=18, sstride=196, dstride=1
    dma          ub:11004, ub:5006, 1, rows=18, sstride=196, dstride=1
    dma          ub:11022, ub:5007, 1, rows=18, sstride=196, dstride=1
    dma          ub:11040, ub:5008, 1, rows=18, sstride=196, dstride=1
    dma          ub:11058, ub:5009, 1, rows=18, sstride=196, dstride=1
    dma          ub:11076, ub:5010, 1, rows=18, sstride=196, dstride=1
    dma          ub:11094, ub:5011, 1, rows=18, sstride=196, dstride=1
    dma          ub:11112, ub:5012, 1, rows=18, sstride=196, dstride=1
    dma          ub:11130, ub:5013, 1, rows=18, sstride=196, dstride=1
    dma          ub:11148, ub:5014, 1, rows=18, sstride=196, dstride=1
    dma          ub:11166, ub:5015, 1, rows=18, sstride=196, dstride=1
    dma          ub:11184, ub:5016, 1, rows=18, sstride=196, dstride=1
    dma          ub:11202, ub:5017, 1, rows=18, sstride=196, dstride=1
    dma          ub:11220, ub:5018, 1, rows=18, sstride=196, dstride=1
    dma          ub:11238, ub:5019, 1, rows=18, sstride=196, dstride=1
    dma          ub:11256, ub:5020, 1, rows=18, sstride=196, dstride=1
    dma          ub:11274, ub:5021, 1, rows=18, sstride=196, dstride=1
    dma          ub:11292, ub:5022, 1, rows=18, sstride=196, dstride=1
    dma          ub:11310, ub:5023, 1, rows=18, sstride=196, dstride=1
    dma          ub:11328, ub:5024, 1, rows=18, sstride=196, dstride=1
    dma          ub:11346, ub:5025, 1, rows=18, sstride=196, dstride=1
    dma          ub:11364, ub:5026, 1, rows=18, sstride=196, dstride=1
    dma          ub:11382, ub:5027, 1, rows=18, sstride=196, dstride=1
    dma          ub:11400, ub:5028, 1, rows=18, sstride=196, dstride=1
    dma          ub:11418, ub:5029, 1, rows=18, sstride=196, dstride=1
    dma          ub:11436, ub:5030, 1, rows=18, sstride=196, dstride=1
    dma          ub:11454, ub:5031, 1, rows=18, sstride=196, dstride=1
    dma          ub:11472, ub:5032, 1, rows=18, sstride=196, dstride=1
    dma          ub:11490, ub:5033, 1, rows=18, sstride=196, dstride=1
    dma          ub:11508, ub:5034, 1, rows=18, sstride=196, dstride=1
    dma          ub:11526, ub:5035, 1, rows=18, sstride=196, dstride=1
    dma          ub:11544, ub:5036, 1, rows=18, sstride=196, dstride=1
    dma          ub:11562, ub:5037, 1, rows=18, sstride=196, dstride=1
    dma          ub:11580, ub:5038, 1, rows=18, sstride=196, dstride=1
    dma          ub:11598, ub:5039, 1, rows=18, sstride=196, dstride=1
    dma          ub:11616, ub:5040, 1, rows=18, sstride=196, dstride=1
    dma          ub:11634, ub:5041, 1, rows=18, sstride=196, dstride=1
    dma          ub:11652, ub:5042, 1, rows=18, sstride=196, dstride=1
    dma          ub:11670, ub:5043, 1, rows=18, sstride=196, dstride=1
    dma          ub:11688, ub:5044, 1, rows=18, sstride=196, dstride=1
    dma          ub:11706, ub:5045, 1, rows=18, sstride=196, dstride=1
    dma          ub:11724, ub:5046, 1, rows=18, sstride=196, dstride=1
    dma          ub:11742, ub:5047, 1, rows=18, sstride=196, dstride=1
    dma          ub:11760, ub:5048, 1, rows=18, sstride=196, dstride=1
    dma          ub:11778, ub:5049, 1, rows=18, sstride=196, dstride=1
    dma          ub:11796, ub:5050, 1, rows=18, sstride=196, dstride=1
    dma          ub:11814, ub:5051, 1, rows=18, sstride=196, dstride=1
    dma          ub:11832, ub:5052, 1, rows=18, sstride=196, dstride=1
    dma          ub:11850, ub:5053, 1, rows=18, sstride=196, dstride=1
    dma          ub:11868, ub:5054, 1, rows=18, sstride=196, dstride=1
    dma          ub:11886, ub:5055, 1, rows=18, sstride=196, dstride=1
    dma          ub:11904, ub:5056, 1, rows=18, sstride=196, dstride=1
    dma          ub:11922, ub:5057, 1, rows=18, sstride=196, dstride=1
    dma          ub:11940, ub:5058, 1, rows=18, sstride=196, dstride=1
    dma          ub:11958, ub:5059, 1, rows=18, sstride=196, dstride=1
    matmul       acc:2048, ub:8448, 100, 18, stride=18, group=10, gstride=252, pop
    read_weights c3.0.weights+432, 18, 6, stride=6
    matmul       acc:2048, ub:8466, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+540, 18, 6, stride=6
    matmul       acc:2048, ub:8484, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+648, 18, 6, stride=6
    matmul       acc:2048, ub:8502, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+756, 18, 6, stride=6
    matmul       acc:2048, ub:8520, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+864, 18, 6, stride=6
    matmul       acc:2048, ub:8700, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+972, 18, 6, stride=6
    matmul       acc:2048, ub:8718, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1080, 18, 6, stride=6
    matmul       acc:2048, ub:8736, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1188, 18, 6, stride=6
    matmul       acc:2048, ub:8754, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1296, 18, 6, stride=6
    matmul       acc:2048, ub:8772, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1404, 18, 6, stride=6
    matmul       acc:2048, ub:8952, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1512, 18, 6, stride=6
    matmul       acc:2048, ub:8970, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1620, 18, 6, stride=6
    matmul       acc:2048, ub:8988, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1728, 18, 6, stride=6
    matmul       acc:2048, ub:9006, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1836, 18, 6, stride=6
    matmul       acc:2048, ub:9024, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+1944, 18, 6, stride=6
    matmul       acc:2048, ub:9204, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2052, 18, 6, stride=6
    matmul       acc:2048, ub:9222, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2160, 18, 6, stride=6
    matmul       acc:2048, ub:9240, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2268, 18, 6, stride=6
    matmul       acc:2048, ub:9258, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2376, 18, 6, stride=6
    matmul       acc:2048, ub:9276, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2484, 18, 6, stride=6
    matmul       acc:2048, ub:9456, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.0.weights+2592, 18, 6, stride=6
    matmul       acc:2048, ub:9474, 100, 18, stride=18, group=10, gstride=252, acc, pop
c3_1:
    read_weights c3.1.weights, 36, 9, stride=9
    matmul       acc:2048, ub:9492, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.1.weights+324, 36, 9, stride=9
    matmul       acc:2048, ub:9510, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.1.weights+648, 36, 9, stride=9
    matmul       acc:2048, ub:9528, 100, 18, stride=18, group=10, gstride=252, acc, pop
    read_weights c3.1.weights+972, 36, 9, stride=9
    activate     ub:4864, acc:2048, 100, 6, identity, stride=6, group=10, gstride=60
gather_8:
    dma          ub:5504, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:5700, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:5896, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:6092, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:6288, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:6484, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:6680, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:6876, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:7072, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:7268, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:7464, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:7660, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:7856, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:8052, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:8248, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:8444, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:8640, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:8836, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:9032, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:9228, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:9424, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:9620, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:9816, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:10012, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:10208, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:10404, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:10600, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:10796, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:10992, ub:3649, 1, rows=196, sstride=6, dstride=1
    dma          ub:11188, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:11384, ub:3652, 1, rows=196, sstride=6, dstride=1
    dma          ub:11580, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:11776, ub:3648, 1, rows=196, sstride=6, dstride=1
    dma          ub:11972, ub:3650, 1, rows=196, sstride=6, dstride=1
    dma          ub:12168, ub:3651, 1, rows=196, sstride=6, dstride=1
    dma          ub:12364, ub:3653, 1, rows=196, sstride=6, dstride=1
    dma          ub:12608, ub:5504, 1, rows=36, sstride=196, dstride=1
    dma          ub:12644, ub:5505, 1, rows=36, sstride=196, dstride=1
    dma          ub:12680, ub:5506, 1, rows=36, sstride=196, dstride=1
    dma          ub:12716, ub:5507, 1, rows=36, sstride=196, dstride=1
    dma          ub:12752, ub:5508, 1, rows=36, sstride=196, dstride=1
    dma          ub:12788, ub:5509, 1, rows=36, sstride=196, dstride=1
    dma          ub:12824, ub:5510, 1, rows=36, sstride=196, dstride=1
    dma          ub:12860, ub:5511, 1, rows=36, sstride=196, dstride=1
    dma          ub:12896, ub:5512, 1, rows=36, sstride=196, dstride=1
    dma          ub:12932, ub:5513, 1, rows=36, sstride=196, dstride=1
    dma          ub:12968, ub:5514, 1, rows=36, sstride=196, dstride=1
    dma          ub:13004, ub:5515, 1, rows=36, sstride=196, dstride=1
    dma          ub:13040, ub:5516, 1, rows=36, sstride=196, dstride=1
    dma          ub:13076, ub:5517, 1, rows=36, sstride=196, dstride=1
    dma          ub:13112, ub:5518, 1, rows=36, sstride=196, dstride=1
    dma          ub:13148, ub:5519, 1, rows=36, sstride=196, dstride=1
    dma          ub:13184, ub:5520, 1, rows=36, sstride=196, dstride=1
    dma          ub:13220, ub:5521, 1, rows=36, sstride=196, dstride=1
    dma          ub:13256, ub:5522, 1, rows=36, sstride=196, dstride=1
    dma          ub:13292, ub:5523, 1, rows=36, sstride=196, dstride=1
    dma          ub:13328, ub:5524, 1, rows=36, sstride=196, dstride=1
    dma          ub:13364, ub:5525, 1, rows=36, sstride=196, dstride=1
    dma          ub:13400, ub:5526, 1, rows=36, sstride=196, dstride=1
    dma          ub:13436, ub:5527, 1, rows=36, sstride=196, dstride=1
    dma          ub:13472, ub:5528, 1, rows=36, sstride=196, dstride=1
    dma          ub:13508, ub:5529, 1, rows=36, sstride=196, dstride=1
    dma          ub:13544, ub:5530, 1, rows=36, sstride=196, dstride=1
    dma          ub:13580, ub:5531, 1, rows=36, sstride=196, dstride=1
    dma          ub:13616, ub:5532, 1, rows=36, sstride=196, dstride=1
    dma          ub:13652, ub:5533, 1, rows=36, sstride=196, dstride=1
    dma          ub:13688, ub:5534, 1, rows=36, sstride=196, dstride=1
    dma          ub:13724, ub:5535, 1, rows=36, sstride=196, dstride=1
    dma          ub:13760, ub:5536, 1, rows=36, sstride=196, dstride=1
    dma          ub:13796, ub:5537, 1, rows=36, sstride=196, dstride=1
    dma          ub:13832, ub:5538, 1, rows=36, sstride=196, dstride=1
    dma          ub:13868, ub:5539, 1, rows=36, sstride=196, dstride=1
    dma          ub:13904, ub:5540, 1, rows=36, sstride=196, dstride=1
    dma          ub:13940, ub:5541, 1, rows=36, sstride=196, dstride=1
    dma          ub:13976, ub:5542, 1, rows=36, sstride=196, dstride=1
    dma          ub:14012, ub:5543, 1, rows=36, sstride=196, dstride=1
    dma          ub:14048, ub:5544, 1, rows=36, sstride=196, dstride=1
    dma          ub:14084, ub:5545, 1, rows=36, sstride=196, dstride=1
    dma          ub:14120, ub:5546, 1, rows=36, sstride=196, dstride=1
    dma          ub:14156, ub:5547, 1, rows=36, sstride=196, dstride=1
    dma          ub:14192, ub:5548, 1, rows=36, sstride=196, dstride=1
    dma          ub:14228, ub:5549, 1, rows=36, sstride=196, dstride=1
    dma          ub:14264, ub:5550, 1, rows=36, sstride=196, dstride=1
    dma          ub:14300, ub:5551, 1, rows=36, sstride=196, dstride=1
    dma          ub:14336, ub:5552, 1, rows=36, sstride=196, dstride=1
    dma          ub:14372, ub:5553, 1, rows=36, sstride=196, dstride=1
    dma          ub:14408, ub:5554, 1, rows=36, sstride=196, dstride=1
    dma          ub:14444, ub:5555, 1, rows=36, sstride=196, dstride=1
    dma          ub:14480, ub:5556, 1, rows=36, sstride=196, dstride=1
    dma          ub:14516, ub:5557, 1, rows=36, sstride=196, dstride=1
    dma          ub:14552, ub:5558, 1, rows=36, sstride=196, dstride=1
    dma          ub:14588, ub:5559, 1, rows=36, sstride=196, dstride=1
    dma          ub:14624, ub:5560, 1, rows=36, sstride=196, dstride=1
    dma          ub:14660, ub:5561, 1, rows=36, sstride=196, dstride=1
    dma          ub:14696, ub:5562, 1, rows=36, sstride=196, dstride=1
    dma          ub:14732, ub:5563, 1, rows=36, sstride=196, dstride=1
    dma          ub:14768, ub:5564, 1, rows=36, sstride=196, dstride=1
    dma          ub:14804, ub:5565, 1, rows=36, sstride=196, dstride=1
    dma          ub:14840, ub:5566, 1, rows=36, sstride=196, dstride=1
    dma          ub:14876, ub:5567, 1, rows=36, sstride=196, dstride=1
    dma          ub:14912, ub:5568, 1, rows=36, sstride=196, dstride=1
    dma          ub:14948, ub:5569, 1, rows=36, sstride=196, dstride=1
    dma          ub:14984, ub:5570, 1, rows=36, sstride=196, dstride=1
    dma          ub:15020, ub:5571, 1, rows=36, sstride=196, dstride=1
    dma          ub:15056, ub:5572, 1, rows=36, sstride=196, dstride=1
    dma          ub:15092, ub:5573, 1, rows=36, sstride=196, dstride=1
    dma          ub:15128, ub:5574, 1, rows=36, sstride=196, dstride=1
    dma          ub:15164, ub:5575, 1, rows=36, sstride=196, dstride=1
    dma          ub:15200, ub:5576, 1, rows=36, sstride=196, dstride=1
    dma          ub:15236, ub:5577, 1, rows=36, sstride=196, dstride=1
    dma          ub:15272, ub:5578, 1, rows=36, sstride=196, dstride=1
    dma          ub:15308, ub:5579, 1, rows=36, sstride=196, dstride=1
    dma          ub:15344, ub:5580, 1, rows=36, sstride=196, dstride=1
    dma          ub:15380, ub:5581, 1, rows=36, sstride=196, dstride=1
    dma          ub:15416, ub:5582, 1, rows=36, sstride=196, dstride=1
    dma          ub:15452, ub:5583, 1, rows=36, sstride=196, dstride=1
    dma          ub:15488, ub:5584, 1, rows=36, sstride=196, dstride=1
    dma          ub:15524, ub:5585, 1, rows=36, sstride=196, dstride=1
    dma          ub:15560, ub:5586, 1, rows=36, sstride=196, dstride=1
    dma          ub:15596, ub:5587, 1, rows=36, sstride=196, dstride=1
    dma          ub:15632, ub:5588, 1, rows=36, sstride=196, dstride=1
    dma          ub:15668, ub:5589, 1, rows=36, sstride=196, dstride=1
    dma          ub:15704, ub:5590, 1, rows=36, sstride=196, dstride=1
    dma          ub:15740, ub:5591, 1, rows=36, sstride=196, dstride=1
    dma          ub:15776, ub:5592, 1, rows=36, sstride=196, dstride=1
    dma          ub:15812, ub:5593, 1, rows=36, sstride=196, dstride=1
    dma          ub:15848, ub:5594, 1, rows=36, sstride=196, dstride=1
    dma          ub:15884, ub:5595, 1, rows=36, sstride=196, dstride=1
    dma          ub:15920, ub:5596, 1, rows=36, sstride=196, dstride=1
    dma          ub:15956, ub:5597, 1, rows=36, sstride=196, dstride=1
    dma          ub:15992, ub:5598, 1, rows=36, sstride=196, dstride=1
    dma          ub:16028, ub:5599, 1, rows=36, sstride=196, dstride=1
    dma          ub:16064, ub:5600, 1, rows=36, sstride=196, dstride=1
    dma          ub:16100, ub:5601, 1, rows=36, sstride=196, dstride=1
    dma          ub:16136, ub:5602, 1, rows=36, sstride=196, dstride=1
    dma          ub:16172, ub:5603, 1, rows=36, sstride=196, dstride=1
    dma          ub:16208, ub:5604, 1, rows=36, sstride=196, dstride=1
    dma          ub:16244, ub:5605, 1, rows=36, sstride=196, dstride=1
    dma          ub:16280, ub:5606, 1, rows=36, sstride=196, dstride=1
    dma          ub:16316, ub:5607, 1, rows=36, sstride=196, dstride=1
    dma          ub:16352, ub:5608, 1, rows=36, sstride=196, dstride=1
    dma          ub:16388, ub:5609, 1, rows=36, sstride=196, dstride=1
    dma          ub:16424, ub:5610, 1, rows=36, sstride=196, dstride=1
    dma          ub:16460, ub:5611, 1, rows=36, sstride=196, dstride=1
    dma          ub:16496, ub:5612, 1, rows=36, sstride=196, dstride=1
    dma          ub:16532, ub:5613, 1, rows=36, sstride=196, dstride=1
    dma          ub:16568, ub:5614, 1, rows=36, sstride=196, dstride=1
    dma          ub:16604, ub:5615, 1, rows=36, sstride=196, dstride=1
    dma          ub:16640, ub:5616, 1, rows=36, sstride=196, dstride=1
    dma          ub:16676, ub:5617, 1, rows=36, sstride=196, dstride=1
    dma          ub:16712, ub:5618, 1, rows=36, sstride=196, dstride=1
    dma          ub:16748, ub:5619, 1, rows=36, sstride=196, dstride=1
    dma          ub:16784, ub:5620, 1, rows=36, sstride=196, dstride=1
    dma          ub:16820, ub:5621, 1, rows=36, sstride=196, dstride=1
    dma          ub:16856, ub:5622, 1, rows=36, sstride=196, dstride=1
    dma          ub:16892, ub:5623, 1, rows=36, sstride=196, dstride=1
    dma          ub:16928, ub:5624, 1, rows=36, sstride=196, dstride=1
    dma          ub:16964, ub:5625, 1, rows=36, sstride=196, dstride=1
    dma          ub:17000, ub:5626, 1, rows=36, sstride=196, dstride=1
    dma          ub:17036, ub:5627, 1, rows=36, sstride=196, dstride=1
    dma          ub:17072, ub:5628, 1, rows=36, sstride=196, dstride=1
    dma          ub:17108, ub:5629, 1, rows=36, sstride=196, dstride=1
    dma          ub:17144, ub:5630, 1, rows=36, sstride=196, dstride=1
    dma          ub:17180, ub:5631, 1, rows=36, sstride=196, dstride=1
    dma          ub:17216, ub:5632, 1, rows=36, sstride=196, dstride=1
    dma          ub:17252, ub:5633, 1, rows=36, sstride=196, dstride=1
    dma          ub:17288, ub:5634, 1, rows=36, sstride=196, dstride=1
    dma          ub:17324, ub:5635, 1, rows=36, sstride=196, dstride=1
    dma          ub:17360, ub:5636, 1, rows=36, sstride=196, dstride=1
    dma          ub:17396, ub:5637, 1, rows=36, sstride=196, dstride=1
    dma          ub:17432, ub:5638, 1, rows=36, sstride=196, dstride=1
    dma          ub:17468, ub:5639, 1, rows=36, sstride=196, dstride=1
    dma          ub:17504, ub:5640, 1, rows=36, sstride=196, dstride=1
    dma          ub:17540, ub:5641, 1, rows=36, sstride=196, dstride=1
    dma          ub:17576, ub:5642, 1, rows=36, sstride=196, dstride=1
    dma          ub:17612, ub:5643, 1, rows=36, sstride=196, dstride=1
    dma          ub:17648, ub:5644, 1, rows=36, sstride=196, dstride=1
    dma          ub:17684, ub:5645, 1, rows=36, sstride=196, dstride=1
    dma          ub:17720, ub:5646, 1, rows=36, sstride=196, dstride=1
    dma          ub:17756, ub:5647, 1, rows=36, sstride=196, dstride=1
    dma          ub:17792, ub:5648, 1, rows=36, sstride=196, dstride=1
    dma          ub:17828, ub:5649, 1, rows=36, sstride=196, dstride=1
    dma          ub:17864, ub:5650, 1, rows=36, sstride=196, dstride=1
    dma          ub:17900, ub:5651, 1, rows=36, sstride=196, dstride=1
    dma          ub:17936, ub:5652, 1, rows=36, sstride=196, dstride=1
    dma          ub:17972, ub:5653, 1, rows=36, sstride=196, dstride=1
    dma          ub:18008, ub:5654, 1, rows=36, sstride=196, dstride=1
    dma          ub:18044, ub:5655, 1, rows=36, sstride=196, dstride=1
    dma          ub:18080, ub:5656, 1, rows=36, sstride=196, dstride=1
    dma          ub:18116, ub:5657, 1, rows=36, sstride=196, dstride=1
    dma          ub:18152, ub:5658, 1, rows=36, sstride=196, dstride=1
    dma          ub:18188, ub:5659, 1, rows=36, sstride=196, dstride=1
    dma          ub:18224, ub:5660, 1, rows=36, sstride=196, dstride=1
    dma          ub:18260, ub:5661, 1, rows=36, sstride=196, dstride=1
    dma          ub:18296, ub:5662, 1, rows=36, sstride=196, dstride=1
    dma          ub:18332, ub:5663, 1, rows=36, sstride=196, dstride=1
    dma          ub:18368, ub:5664, 1, rows=36, sstride=196, dstride=1
    dma          ub:18404, ub:5665, 1, rows=36, sstride=196, dstride=1
    dma          ub:18440, ub:5666, 1, rows=36, sstride=196, dstride=1
    dma          ub:18476, ub:5667, 1, rows=36, sstride=196, dstride=1
    dma          ub:18512, ub:5668, 1, rows=36, sstride=196, dstride=1
    dma          ub:18548, ub:5669, 1, rows=36, sstride=196, dstride=1
    dma          ub:18584, ub:5670, 1, rows=36, sstride=196, dstride=1
    dma          ub:18620, ub:5671, 1, rows=36, sstride=196, dstride=1
    dma          ub:18656, ub:5672, 1, rows=36, sstride=196, dstride=1
    dma          ub:18692, ub:5673, 1, rows=36, sstride=196, dstride=1
    dma          ub:18728, ub:5674, 1, rows=36, sstride=196, dstride=1
    dma          ub:18764, ub:5675, 1, rows=36, sstride=196, dstride=1
    dma          ub:18800, ub:5676, 1, rows=36, sstride=196, dstride=1
    dma          ub:18836, ub:5677, 1, rows=36, sstride=196, dstride=1
    dma          ub:18872, ub:5678, 1, rows=36, sstride=196, dstride=1
    dma          ub:18908, ub:5679, 1, rows=36, sstride=196, dstride=1
    dma          ub:18944, ub:5680, 1, rows=36, sstride=196, dstride=1
    dma          ub:18980, ub:5681, 1, rows=36, sstride=196, dstride=1
    dma          ub:19016, ub:5682, 1, rows=36, sstride=196, dstride=1
    dma          ub:19052, ub:5683, 1, rows=36, sstride=196, dstride=1
    dma          ub:19088, ub:5684, 1, rows=36, sstride=196, dstride=1
    dma          ub:19124, ub:5685, 1, rows=36, sstride=196, dstride=1
    dma          ub:19160, ub:5686, 1, rows=36, sstride=196, dstride=1
    dma          ub:19196, ub:5687, 1, rows=36, sstride=196, dstride=1
    dma          ub:19232, ub:5688, 1, rows=36, sstride=196, dstride=1
    dma          ub:19268, ub:5689, 1, rows=36, sstride=196, dstride=1
    dma          ub:19304, ub:5690, 1, rows=36, sstride=196, dstride=1
    dma          ub:19340, ub:5691, 1, rows=36, sstride=196, dstride=1
    dma          ub:19376, ub:5692, 1, rows=36, sstride=196, dstride=1
    dma          ub:19412, ub:5693, 1, rows=36, sstride=196, dstride=1
    dma          ub:19448, ub:5694, 1, rows=36, sstride=196, dstride=1
    dma          ub:19484, ub:5695, 1, rows=36, sstride=196, dstride=1
    dma          ub:19520, ub:5696, 1, rows=36, sstride=196, dstride=1
    dma          ub:19556, ub:5697, 1, rows=36, sstride=196, dstride=1
    dma          ub:19592, ub:5698, 1, rows=36, sstride=196, dstride=1
    dma          ub:19628, ub:5699, 1, rows=36, sstride=196, dstride=1
    matmul       acc:0, ub:12608, 100, 36, stride=36, group=10, gstride=504, pop
    read_weights c3.1.weights+1296, 36, 9, stride=9
    matmul       acc:0, ub:12644, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+1620, 36, 9, stride=9
    matmul       acc:0, ub:12680, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+1944, 36, 9, stride=9
    matmul       acc:0, ub:12716, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+2268, 36, 9, stride=9
    matmul       acc:0, ub:12752, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+2592, 36, 9, stride=9
    matmul       acc:0, ub:13112, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+2916, 36, 9, stride=9
    matmul       acc:0, ub:13148, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+3240, 36, 9, stride=9
    matmul       acc:0, ub:13184, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+3564, 36, 9, stride=9
    matmul       acc:0, ub:13220, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+3888, 36, 9, stride=9
    matmul       acc:0, ub:13256, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+4212, 36, 9, stride=9
    matmul       acc:0, ub:13616, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+4536, 36, 9, stride=9
    matmul       acc:0, ub:13652, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+4860, 36, 9, stride=9
    matmul       acc:0, ub:13688, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+5184, 36, 9, stride=9
    matmul       acc:0, ub:13724, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+5508, 36, 9, stride=9
    matmul       acc:0, ub:13760, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+5832, 36, 9, stride=9
    matmul       acc:0, ub:14120, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+6156, 36, 9, stride=9
    matmul       acc:0, ub:14156, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+6480, 36, 9, stride=9
    matmul       acc:0, ub:14192, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+6804, 36, 9, stride=9
    matmul       acc:0, ub:14228, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+7128, 36, 9, stride=9
    matmul       acc:0, ub:14264, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+7452, 36, 9, stride=9
    matmul       acc:0, ub:14624, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.1.weights+7776, 36, 9, stride=9
    matmul       acc:0, ub:14660, 100, 36, stride=36, group=10, gstride=504, acc, pop
c3_2:
    read_weights c3.2.weights, 30, 1, stride=1
    matmul       acc:0, ub:14696, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.2.weights+30, 30, 1, stride=1
    matmul       acc:0, ub:14732, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.2.weights+60, 30, 1, stride=1
    matmul       acc:0, ub:14768, 100, 36, stride=36, group=10, gstride=504, acc, pop
    read_weights c3.2.weights+90, 30, 1, stride=1
    activate     ub:5504, acc:0, 100, 9, identity, stride=9, group=10, gstride=90
    matmul       acc:2048, ub:3648, 100, 30, stride=6, group=10, gstride=84, pop
    read_weights c3.2.weights+120, 30, 1, stride=1
    matmul       acc:2048, ub:3732, 100, 30, stride=6, group=10, gstride=84, acc, pop
c5:
    read_weights c5.weights, 80, 120, stride=120
    matmul       acc:2048, ub:3816, 100, 30, stride=6, group=10, gstride=84, acc, pop
    read_weights c5.weights+9600, 80, 120, stride=120
    matmul       acc:2048, ub:3900, 100, 30, stride=6, group=10, gstride=84, acc, pop
    read_weights c5.weights+19200, 80, 120, stride=120
    matmul       acc:2048, ub:3984, 100, 30, stride=6, group=10, gstride=84, acc, pop
    read_weights c5.weights+28800, 80, 120, stride=120
    activate     ub:0, acc:2048, 100, 1, identity, stride=1, group=10, gstride=10
c3:
    dma          ub:6464, ub:4864, 6, rows=100, sstride=6, dstride=16
    dma          ub:6470, ub:5504, 9, rows=100, sstride=9, dstride=16
    dma          ub:6479, ub:0, 1, rows=100, sstride=1, dstride=16
tanh_13:
    vector       tanh, ub:3648, ub:6464, 1, 1600, dtype=int8
averagepool_14_pool:
    pool         ub:5248, ub:3648, avg, 16, 10, 10, 2, 2, 2, dstride=80
mul_15:
    vector       copy, ub:3648, ub:5248, 1, 400, dtype=int8, out=fp32
    vector       mul, ub:5248, ub:3648, 25, 16, src2=ub:128, out=int8, bcast
s4:
    vector       copy, ub:3648, ub:5248, 1, 400, dtype=int8, out=fp32
    vector       add, ub:5248, ub:3648, 25, 16, src2=ub:192, out=int8, bcast
tanh_17:
    vector       tanh, ub:3648, ub:5248, 1, 400, dtype=int8
    matmul       acc:0, ub:3648, 1, 80, pop
    read_weights c5.weights+38400, 80, 120, stride=120
    matmul       acc:0, ub:3728, 1, 80, acc, pop
f6:
    read_weights f6.weights, 120, 84, stride=84
    matmul       acc:0, ub:3808, 1, 80, acc, pop
    matmul       acc:0, ub:3888, 1, 80, acc, pop
    matmul       acc:0, ub:3968, 1, 80, acc, pop
    activate     ub:0, acc:0, 1, 120, tanh
    matmul       acc:2048, ub:0, 1, 120, pop
    activate     ub:0, acc:2048, 1, 84, tanh
sub_24:
    vector       copy, ub:3648, ub:0, 1, 84, dtype=int8, out=fp32
    vector       sub, ub:4032, ub:3648, 1, 84, src2=ub:256, out=int8
    vector       sub, ub:4116, ub:3648, 1, 84, src2=ub:592, out=int8
    vector       sub, ub:4200, ub:3648, 1, 84, src2=ub:928, out=int8
    vector       sub, ub:4284, ub:3648, 1, 84, src2=ub:1264, out=int8
    vector       sub, ub:4368, ub:3648, 1, 84, src2=ub:1600, out=int8
    vector       sub, ub:4452, ub:3648, 1, 84, src2=ub:1936, out=int8
    vector       sub, ub:4536, ub:3648, 1, 84, src2=ub:2272, out=int8
    vector       sub, ub:4620, ub:3648, 1, 84, src2=ub:2608, out=int8
    vector       sub, ub:4704, ub:3648, 1, 84, src2=ub:2944, out=int8
    vector       sub, ub:4788, ub:3648, 1, 84, src2=ub:3280, out=int8
mul_25:
    vector       mul, ub:0, ub:4032, 1, 840, src2=ub:4032, dtype=int8
output:
    vector       reduce_sum, ub:896, ub:0, 10, 84, dtype=int8
output_output:
    write_host   output.host, ub:896, 10
end:
    halt
