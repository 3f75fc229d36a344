#!/usr/bin/python3
"""Exports small seeded nn.LSTM, nn.GRU and nn.RNN models with Debian's python3-torch 1.13 the way users
do (torch.onnx.export, which writes ONNX's LSTM / GRU / RNN ops), for checking tpusim's recurrent ops.

Usage: /usr/bin/python3 scripts/onnx-torch-recurrent.py OUT_DIR
Writes OUT_DIR/MODEL/opsetN.onnx, one INPUT.npy per input and one OUTPUT.npy per output (torch's eager
result, the same for every opset), and OUT_DIR/manifest.json (per model: inputs, outputs, opsets)."""
import json
import os
import sys

import numpy
import torch
from torch import nn

OPSETS = (13, 17)
SEQ, BATCH, FEATURES = 5, 2, 8


class Recurrent(nn.Module):
    """A recurrent layer whose every output (the sequence and the final states) is a model output."""

    def __init__(self, layer, with_state):
        super().__init__()
        self.layer = layer
        self.with_state = with_state

    def forward(self, x, *state):
        if not self.with_state:
            out, final = self.layer(x)
        else:
            out, final = self.layer(x, state if len(state) > 1 else state[0])
        return (out, *final) if isinstance(final, tuple) else (out, final)


def state_shape(layer):
    return (layer.num_layers * (2 if layer.bidirectional else 1), BATCH, layer.hidden_size)


def x_for(layer):
    return torch.randn(BATCH, SEQ, FEATURES) if layer.batch_first else torch.randn(SEQ, BATCH, FEATURES)


# name: (layer, initial states given as inputs)
MODELS = {
    "lstm-2-layers": (lambda: nn.LSTM(FEATURES, 16, num_layers=2), True),
    "lstm-bidirectional-batch-first": (lambda: nn.LSTM(FEATURES, 12, bidirectional=True, batch_first=True), False),
    "gru-2-layers-batch-first": (lambda: nn.GRU(FEATURES, 16, num_layers=2, batch_first=True), False),
    "gru-bidirectional": (lambda: nn.GRU(FEATURES, 12, bidirectional=True), True),
    "rnn-tanh": (lambda: nn.RNN(FEATURES, 16), False),
}


def export_model(out, name):
    torch.manual_seed(sum(map(ord, name)))
    make, with_state = MODELS[name]
    layer = make().eval()
    model = Recurrent(layer, with_state).eval()
    inputs = {"x": x_for(layer)}
    if with_state:
        inputs["h0"] = torch.randn(*state_shape(layer))
        if isinstance(layer, nn.LSTM):
            inputs["c0"] = torch.randn(*state_shape(layer))
    with torch.no_grad():
        results = model(*inputs.values())
    output_names = ["y", "h_n", "c_n"][: len(results)]
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for key, value in inputs.items():
        numpy.save(os.path.join(folder, f"{key}.npy"), value.numpy())
    for key, value in zip(output_names, results):
        numpy.save(os.path.join(folder, f"{key}.npy"), value.numpy())
    for opset in OPSETS:
        torch.onnx.export(model, tuple(inputs.values()), os.path.join(folder, f"opset{opset}.onnx"), opset_version=opset,
                          input_names=list(inputs), output_names=output_names, do_constant_folding=True)
    return {"inputs": list(inputs), "outputs": output_names, "opsets": list(OPSETS)}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = {"generator": f"torch {torch.__version__}", "models": {name: export_model(out, name) for name in MODELS}}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
