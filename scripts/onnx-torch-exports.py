#!/usr/bin/python3
"""Exports models with Debian's python3-torch the way users do (torch.onnx.export), with seeded weights,
and saves each model's input and torch's output as .npy beside it, for checking tpusim's importer.
Usage: /usr/bin/python3 scripts/onnx-torch-exports.py OUT_DIR [OPSET]
So far: the nn.TransformerEncoder of issue 17 (d_model 256, 4 heads, batch_first, 2 layers)."""
import os
import sys

import numpy
import torch


def transformer_encoder():
    layer = torch.nn.TransformerEncoderLayer(256, 4, 512, batch_first=True)
    return torch.nn.TransformerEncoder(layer, 2), torch.randn(1, 32, 256)


MODELS = {"transformer-encoder": transformer_encoder}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: onnx-torch-exports.py OUT_DIR [OPSET]")
    out, opset = sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 13
    os.makedirs(out, exist_ok=True)
    for name, make in MODELS.items():
        torch.manual_seed(0)
        model, x = make()
        model.eval()
        with torch.no_grad():
            y = model(x)
        path = os.path.join(out, f"{name}-opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"])
        numpy.save(path.replace(".onnx", ".x.npy"), x.numpy())
        numpy.save(path.replace(".onnx", ".y.npy"), y.numpy())
        print(path)


if __name__ == "__main__":
    main()
