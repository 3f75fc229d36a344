#!/usr/bin/python3
"""Writes ONNX's own backend node tests (node/<test>/model.onnx, test_data_set_0/*.pb) to a folder.

Debian's python3-onnx (1.12) ships the generators, not the data; they still use numpy's aliases that
numpy 1.24 removed (numpy.float, ...), so those are restored before the generators load.
Usage: /usr/bin/python3 scripts/onnx-node-tests.py OUT_DIR
"""
import sys
import warnings

import numpy

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    for alias, builtin in (("float", float), ("int", int), ("bool", bool), ("object", object), ("complex", complex)):
        if not hasattr(numpy, alias):
            setattr(numpy, alias, builtin)

from onnx.backend.test import cmd_tools  # noqa: E402  (after the aliases)

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: onnx-node-tests.py OUT_DIR")
    sys.argv = [sys.argv[0], "generate-data", "-o", sys.argv[1]]
    cmd_tools.main()
