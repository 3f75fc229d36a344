#!/usr/bin/python3
"""Exports models with Debian's python3-torch 1.13 and python3-torchvision 0.14 the way users do
(torch.onnx.export), at opsets 13 to 17 (torch 1.13's newest), for checking tpusim's importer.

Usage: /usr/bin/python3 scripts/onnx-torch-exports.py OUT_DIR [MODEL ...]
Writes OUT_DIR/MODEL/opsetN.onnx, one INPUT.npy per input (int64 token ids as int32) and one OUTPUT.npy per output (torch's own
eager result, the same for every opset), and OUT_DIR/manifest.json: per model its inputs, outputs and
opsets, and each opset that torch could not export with torch's error.

Weights are seeded random. Every nn.Linear gets torch's default initialisation (uniform within
1/sqrt(fan_in)) in place of the transformers' truncated normal of std 0.02, which leaves attention
scores so small that softmax is nearly uniform whatever the scores are, so a wrong score would go
unnoticed at the output. Parameters that torch initialises to a constant (norm scales of 1, zero
biases, ViT's zero head, ConvNeXt's 1e-6 layer scale, batch-norm running statistics) get seeded spread
values instead, so that every weight changes the output. Sizes are torchvision's builders at reduced
widths, depths and resolutions so the committed files stay small; the graphs have the same ops. The
weights of a model's five opsets are the same bytes, so each tensor of 1 KiB or more is stored once, in
the model's weights.bin, as ONNX external data (location, offset, length), the way exporters store
models over 2 GB."""
import hashlib
import json
import os
import sys
from functools import partial

import numpy
import onnx
import torch
import torchvision
from torch import nn
from torchvision.models import mobilenetv3, efficientnet, regnet, convnext, resnet, swin_transformer

OPSETS = range(13, 18)
EXTERNAL_MIN_BYTES = 1024


def move_weights_out(path, store, blob):
    """Stores each large initializer once in `blob` (shared by the opsets) and points the model at it."""
    model = onnx.load(path)
    for tensor in model.graph.initializer:
        raw = tensor.raw_data
        if len(raw) < EXTERNAL_MIN_BYTES:
            continue
        key = hashlib.sha256(raw).hexdigest()
        if key not in store:
            store[key] = blob.tell()
            blob.write(raw)
        tensor.ClearField("raw_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        for k, v in (("location", "weights.bin"), ("offset", str(store[key])), ("length", str(len(raw)))):
            entry = tensor.external_data.add()
            entry.key, entry.value = k, v
    onnx.save(model, path)


def spread_constants(model):
    """Replaces constant parameters and batch-norm statistics by seeded spread values."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.reset_parameters()
        for p in model.parameters():
            if p.numel() > 1 and bool((p == p.flatten()[0]).all()):
                base = 1.0 if float(p.flatten()[0]) == 1.0 else 0.0
                p.copy_(base + (torch.rand_like(p) - 0.5) * 0.2)
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_((torch.rand_like(m.running_mean) - 0.5) * 0.2)
                m.running_var.copy_(0.5 + torch.rand_like(m.running_var))
    return model


def image(size=32):
    return {"x": torch.randn(1, 3, size, size)}


class SmallResNet(resnet.ResNet):
    """torchvision's ResNet and BasicBlock at an eighth of the width (8 to 64 channels, not 64 to 512)."""

    def __init__(self):
        super().__init__(resnet.BasicBlock, [1, 1, 1, 1], num_classes=10)
        self.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(64, 10)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        if planes == 64:
            self.inplanes = 8
        return super()._make_layer(block, planes // 8, blocks, stride, dilate)


def resnet_small():
    return SmallResNet(), image()


def mobilenet_v2():
    # torchvision's first four stages (t, c, n, s); the rest repeat them at more channels.
    setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [6, 64, 2, 2]]
    return torchvision.models.MobileNetV2(num_classes=10, width_mult=0.25, inverted_residual_setting=setting), image()


def mobilenet_v3():
    setting, last = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25)
    # The first eight blocks: ReLU and HardSwish, with and without squeeze-excitation.
    return mobilenetv3.MobileNetV3(setting[:8], last, num_classes=10), image()


def efficientnet_b0():
    setting, last = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    # The first five of the seven stages (3x3 and 5x5 depthwise, all with squeeze-excitation).
    return efficientnet.EfficientNet(setting[:5], 0.2, num_classes=10, last_channel=last), image()


def regnet_small():
    params = regnet.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25)
    return regnet.RegNet(params, num_classes=10, stem_width=8), image()


def convnext_small():
    setting = [convnext.CNBlockConfig(16, 32, 1), convnext.CNBlockConfig(32, None, 1)]
    return convnext.ConvNeXt(setting, num_classes=10), image()


def vit_small():
    model = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4,
                                                 hidden_dim=32, mlp_dim=64, num_classes=10)
    return model, image()


def swin_small():
    model = swin_transformer.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1], num_heads=[2, 4],
                                             window_size=[4, 4], num_classes=10)
    return model, image()


def causal_mask(seq):
    """The additive mask nn.Transformer.generate_square_subsequent_mask builds."""
    return torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1)


class Encoder(nn.Module):
    """nn.TransformerEncoder with a causal mask kept as a constant of the module."""

    def __init__(self, norm_first):
        super().__init__()
        layer = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True, norm_first=norm_first)
        self.encoder = nn.TransformerEncoder(layer, 2)
        self.register_buffer("mask", causal_mask(8))

    def forward(self, x):
        return self.encoder(x, mask=self.mask)


class Decoder(nn.Module):
    """nn.TransformerDecoder: causal self-attention mask and a memory mask hiding the last two positions."""

    def __init__(self, norm_first):
        super().__init__()
        layer = nn.TransformerDecoderLayer(32, 4, 64, batch_first=True, norm_first=norm_first)
        self.decoder = nn.TransformerDecoder(layer, 2)
        self.register_buffer("tgt_mask", causal_mask(8))
        memory_mask = torch.zeros(8, 6)
        memory_mask[:, 4:] = float("-inf")
        self.register_buffer("memory_mask", memory_mask)

    def forward(self, x, memory):
        return self.decoder(x, memory, tgt_mask=self.tgt_mask, memory_mask=self.memory_mask)


def encoder(norm_first):
    return Encoder(norm_first), {"x": torch.randn(2, 8, 32)}


def decoder(norm_first):
    return Decoder(norm_first), {"x": torch.randn(2, 8, 32), "memory": torch.randn(2, 6, 32)}


class Gpt(nn.Module):
    """A GPT-2-style decoder: token and learned position embeddings, pre-norm blocks with a causal mask,
    a final LayerNorm and a language-model head tied to the token embedding."""

    def __init__(self, vocab=64, seq=8, width=32, heads=4, layers=2):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Embedding(seq, width)
        block = nn.TransformerEncoderLayer(width, heads, 4 * width, activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers)
        self.norm = nn.LayerNorm(width)
        self.register_buffer("mask", causal_mask(seq))
        self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0))

    def forward(self, ids):
        h = self.tokens(ids) + self.positions(self.position_ids)
        h = self.norm(self.blocks(h, mask=self.mask))
        return h @ self.tokens.weight.t()


def gpt():
    return Gpt(), {"ids": torch.randint(0, 64, (1, 8))}


MODELS = {
    "resnet": resnet_small,
    "mobilenet-v2": mobilenet_v2,
    "mobilenet-v3": mobilenet_v3,
    "efficientnet": efficientnet_b0,
    "regnet": regnet_small,
    "convnext": convnext_small,
    "vit": vit_small,
    "swin": swin_small,
    "transformer-encoder-post-norm": partial(encoder, False),
    "transformer-encoder-pre-norm": partial(encoder, True),
    "transformer-decoder-post-norm": partial(decoder, False),
    "transformer-decoder-pre-norm": partial(decoder, True),
    "gpt": gpt,
}


def export_model(out, name):
    torch.manual_seed(0)
    model, inputs = MODELS[name]()
    spread_constants(model).eval()
    with torch.no_grad():
        y = model(*inputs.values())
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for key, value in inputs.items():
        array = value.numpy()
        # Token ids as int32: tpusim's .npy reader has no int64 (the ONNX input stays int64).
        numpy.save(os.path.join(folder, f"{key}.npy"), array.astype(numpy.int32) if array.dtype == numpy.int64 else array)
    numpy.save(os.path.join(folder, "y.npy"), y.numpy())
    entry = {"inputs": list(inputs), "outputs": ["y"], "opsets": [], "exportFailures": {}}
    store = {}
    blob = open(os.path.join(folder, "weights.bin"), "wb")
    for opset in OPSETS:
        path = os.path.join(folder, f"opset{opset}.onnx")
        try:
            torch.onnx.export(model, tuple(inputs.values()), path, opset_version=opset,
                              input_names=list(inputs), output_names=["y"])
            move_weights_out(path, store, blob)
            entry["opsets"].append(opset)
        except Exception as error:  # torch's exporter refusing a model is a result to record
            entry["exportFailures"][str(opset)] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
            if os.path.exists(path):
                os.remove(path)
    blob.close()
    return entry


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: onnx-torch-exports.py OUT_DIR [MODEL ...]")
    out, names = sys.argv[1], sys.argv[2:] or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; known: {list(MODELS)}")
    manifest_path = os.path.join(out, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest["generator"] = f"torch {torch.__version__}, torchvision {torchvision.__version__}"
    models = manifest.setdefault("models", {})
    for name in names:
        models[name] = export_model(out, name)
        print(name, models[name]["opsets"], models[name]["exportFailures"] or "")
    manifest["models"] = {k: models[k] for k in MODELS if k in models}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
