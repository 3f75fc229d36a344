#!/usr/bin/env python3
"""
Regenerates test/fixtures/scalesim-v3/: runs SCALE-Sim v3 (../shared/tools/scale-sim-v3) on a small
matrix of sparsity configs (and layout configs) and keeps its report CSVs, with a manifest naming the
v3 sources' checksum, Python and numpy. v3's sparsity path needs numpy 1.x: run this with Debian's
python3 (python3-numpy 1.24, python3-pandas, python3-tqdm):

    /usr/bin/python3 scripts/scalesim-v3-golden.py [--v3 DIR]
"""
import argparse, hashlib, json, os, platform, shutil, subprocess, sys, tempfile

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'scalesim-v3')
INPUTS = os.path.join(FIXTURES, 'inputs')

# (name, topology, input form, array rows/cols, dataflow, representation, optimized, block size, seed, mode, filter offset
#  [, bandwidth, SRAM kB[, [layout] bank bandwidth]]: 10 words/cycle, 64 kB and the bandwidth unless given)
SPARSITY_RUNS = [
    ('sp-csr-lw-8', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', False, 4, 40, 'CALC', 10000000),
    ('sp-csc-lw-8', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csc', False, 4, 40, 'CALC', 10000000),
    ('sp-ell-lw-8', 'gemm-nm.csv', 'gemm', 8, 'ws', 'ellpack_block', False, 4, 40, 'CALC', 10000000),
    ('sp-csr-lw-16', 'gemm-nm.csv', 'gemm', 16, 'ws', 'csr', False, 4, 40, 'CALC', 10000000),
    ('sp-ell-lw-4', 'gemm-nm.csv', 'gemm', 4, 'ws', 'ellpack_block', False, 4, 40, 'CALC', 10000000),
    ('sp-csr-rw-b4', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', True, 4, 40, 'CALC', 10000000),
    ('sp-csc-rw-b8', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csc', True, 8, 40, 'CALC', 10000000),
    ('sp-ell-rw-b8', 'gemm-nm.csv', 'gemm', 16, 'ws', 'ellpack_block', True, 8, 40, 'CALC', 10000000),
    ('sp-csr-rw-seed7', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', True, 8, 7, 'CALC', 10000000),
    ('sp-ell-rw-b2-seed3', 'gemm-nm.csv', 'gemm', 8, 'ws', 'ellpack_block', True, 2, 3, 'CALC', 10000000),
    ('sp-conv-csr-lw', 'conv-nm.csv', 'conv', 8, 'ws', 'csr', False, 4, 40, 'CALC', 10000000),
    ('sp-conv-ell-rw', 'conv-nm.csv', 'conv', 16, 'ws', 'ellpack_block', True, 4, 40, 'CALC', 10000000),
    ('sp-csc-lw-user', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csc', False, 4, 40, 'USER', 10000000),
    # Issue 16, remaining parts: os/is under sparsity, and v3's memory system (stalls, prefetch) under sparsity:
    # 1 kB SRAMs at 2 words/cycle make USER mode stall.
    ('sp-csr-lw-os', 'gemm-nm.csv', 'gemm', 8, 'os', 'csr', False, 4, 40, 'CALC', 10000000),
    ('sp-ell-lw-is', 'gemm-nm.csv', 'gemm', 8, 'is', 'ellpack_block', False, 4, 40, 'CALC', 10000000),
    ('sp-conv-csc-lw-os', 'conv-nm.csv', 'conv', 8, 'os', 'csc', False, 4, 40, 'CALC', 10000000),
    ('sp-ell-lw-calc-s1', 'gemm-nm.csv', 'gemm', 8, 'ws', 'ellpack_block', False, 4, 40, 'CALC', 10000000, 10, 1),
    ('sp-csr-lw-user-s1', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', False, 4, 40, 'USER', 10000000, 2, 1),
    ('sp-csc-lw-os-user-s1', 'gemm-nm.csv', 'gemm', 8, 'os', 'csc', False, 4, 40, 'USER', 10000000, 2, 1),
    ('sp-csr-lw-is-user-s1', 'gemm-nm.csv', 'gemm', 8, 'is', 'csr', False, 4, 40, 'USER', 10000000, 2, 1),
    ('sp-conv-csr-lw-user-s1', 'conv-nm.csv', 'conv', 8, 'ws', 'csr', False, 4, 40, 'USER', 10000000, 2, 1),
    ('sp-conv-ell-lw-is-user-s1', 'conv-nm.csv', 'conv', 16, 'is', 'ellpack_block', False, 4, 40, 'USER', 10000000, 2, 1),
    # Conv-form layers through the memory system on os, and on a 4 x 4 ws array (more folds, more DRAM waits).
    ('sp-conv-csc-lw-os-user-s1', 'conv-nm.csv', 'conv', 8, 'os', 'csc', False, 4, 40, 'USER', 10000000, 2, 1),
    ('sp-conv-ell-lw-4-user-s1', 'conv-nm.csv', 'conv', 4, 'ws', 'ellpack_block', False, 4, 40, 'USER', 10000000, 3, 1),
    # [layout] bank bandwidths (4 words/cycle) other than Bandwidth (10): v3 feeds IFMAP and filter at 4.
    ('sp-csr-lw-bank4-s1', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', False, 4, 40, 'USER', 10000000, 10, 1, 4),
    # v3 runs these, tpusim refuses them (see docs/systolic-array.md): row-wise demand through the memory system.
    ('sp-csr-rw-user-s1', 'gemm-nm.csv', 'gemm', 8, 'ws', 'csr', True, 4, 40, 'USER', 10000000, 2, 1),
    # v3 asserts on these (row-wise packing with os/is: 'Dimension mismatch between operands'); kept as ERROR.txt.
    ('sp-csr-rw-os', 'gemm-nm.csv', 'gemm', 8, 'os', 'csr', True, 4, 40, 'CALC', 10000000),
    ('sp-csr-rw-is', 'gemm-nm.csv', 'gemm', 8, 'is', 'csr', True, 4, 40, 'CALC', 10000000),
]

# v3 without sparsity on the compressed GEMMs of gemm-nm.csv (each K replaced by its layer-wise K'): its memory
# system stalls exactly as in the sparse run of the same config (the double-counted read waits are v3's own).
# (name, sparse run whose config it reuses with SparsitySupport false, topology)
DENSE_RUNS = [
    ('dn-csr-lw-user-s1', 'sp-csr-lw-user-s1', 'gemm-nm-compressed.csv'),
]

# (name, topology, form, layout csv, array, dataflow, custom layouts, banks, ports, bank bandwidth)
LAYOUT_RUNS = [
    ('ly-default-b1', 'conv-layout.csv', 'conv', 'layout-conv.csv', 8, 'ws', False, 1, 2, 16),
    ('ly-default-b4', 'conv-layout.csv', 'conv', 'layout-conv.csv', 8, 'ws', False, 4, 1, 16),
    ('ly-custom-b4', 'conv-layout.csv', 'conv', 'layout-conv.csv', 8, 'ws', True, 4, 1, 16),
    ('ly-custom-b8-os', 'conv-layout.csv', 'conv', 'layout-conv.csv', 8, 'os', True, 8, 2, 16),
    ('ly-custom-b2-is', 'conv-layout.csv', 'conv', 'layout-conv.csv', 8, 'is', True, 2, 1, 16),
]

CONFIG = """[general]
run_name = {name}

[architecture_presets]
ArrayHeight : {array}
ArrayWidth : {array}
IfmapSramSzkB : {sram}
FilterSramSzkB : {sram}
OfmapSramSzkB : {sram}
IfmapOffset : 0
FilterOffset : {filter_offset}
OfmapOffset : 20000000
Bandwidth : {bandwidth}
Dataflow : {dataflow}
MemoryBanks : 1
ReadRequestBuffer : 32
WriteRequestBuffer : 32

[sparsity]
SparsitySupport : {sparsity}
SparseRep : {rep}
OptimizedMapping : {optimized}
BlockSize : {block}
RandomNumberGeneratorSeed : {seed}

[run_presets]
InterfaceBandwidth : {mode}
UseRamulatorTrace : False

[layout]
IfmapCustomLayout : {custom}
IfmapSRAMBankBandwidth : {bank_bw}
IfmapSRAMBankNum : {banks}
IfmapSRAMBankPort : {ports}
FilterCustomLayout : {custom}
FilterSRAMBankBandwidth : {bank_bw}
FilterSRAMBankNum : {banks}
FilterSRAMBankPort : {ports}
"""


def run_v3(v3, name, cfg_text, topology, form, layout, out_root):
    cfg_path = os.path.join(INPUTS, name + '.cfg')
    with open(cfg_path, 'w') as f:
        f.write(cfg_text)
    cmd = [sys.executable, os.path.join(v3, 'scalesim', 'scale.py'), '-c', cfg_path, '-t', os.path.join(INPUTS, topology),
           '-l', os.path.join(INPUTS, layout), '-p', out_root, '-i', form]
    proc = subprocess.run(cmd, cwd=out_root, env={**os.environ, 'PYTHONPATH': v3}, capture_output=True, text=True)
    dest = os.path.join(FIXTURES, name)
    os.makedirs(dest, exist_ok=True)
    reports = sorted(r for r in os.listdir(os.path.join(out_root, name)) if r.endswith('_REPORT.csv')) if os.path.isdir(os.path.join(out_root, name)) else []
    for report in reports:
        shutil.copy(os.path.join(out_root, name, report), os.path.join(dest, report))
    if proc.returncode != 0 or not reports:
        with open(os.path.join(dest, 'ERROR.txt'), 'w') as f:
            f.write('\n'.join((proc.stdout + proc.stderr).splitlines()[-15:]) + '\n')
    return {'name': name, 'returncode': proc.returncode, 'reports': reports, 'topology': topology, 'form': form, 'layout': layout}


def sources_digest(v3):
    digest = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(os.path.join(v3, 'scalesim'))):
        dirs.sort()
        for file in sorted(files):
            if file.endswith('.py'):
                path = os.path.join(base, file)
                digest.update(os.path.relpath(path, v3).encode())
                digest.update(open(path, 'rb').read())
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--v3', default=os.path.join(ROOT, '..', 'shared', 'tools', 'scale-sim-v3'))
    v3 = os.path.abspath(parser.parse_args().v3)
    runs = []
    with tempfile.TemporaryDirectory() as out_root:
        for name, topo, form, array, df, rep, optimized, block, seed, mode, filter_offset, *rest in SPARSITY_RUNS:
            bandwidth, sram, bank_bw = (list(rest) + [rest[0]] if len(rest) == 2 else rest) if rest else (10, 64, 10)
            text = CONFIG.format(name=name, array=array, dataflow=df, sparsity='true', rep=rep, optimized=str(optimized).lower(),
                                 block=block, seed=seed, mode=mode, bandwidth=bandwidth, filter_offset=filter_offset, custom='False',
                                 bank_bw=bank_bw, banks=1, ports=2, sram=sram)
            runs.append(run_v3(v3, name, text, topo, form, 'layout-conv.csv', out_root))
        for name, sparse_name, topo in DENSE_RUNS:
            with open(os.path.join(INPUTS, sparse_name + '.cfg')) as f:
                text = f.read().replace('SparsitySupport : true', 'SparsitySupport : false')
            runs.append(run_v3(v3, name, text.replace('run_name = ' + sparse_name, 'run_name = ' + name), topo, 'gemm',
                               'layout-conv.csv', out_root))
        for name, topo, form, layout, array, df, custom, banks, ports, bank_bw in LAYOUT_RUNS:
            text = CONFIG.format(name=name, array=array, dataflow=df, sparsity='false', rep='csr', optimized='false', block=4, seed=40,
                                 mode='USER', bandwidth=bank_bw, filter_offset=10000000, custom=str(custom), bank_bw=bank_bw, banks=banks, ports=ports,
                                 sram=64)
            runs.append(run_v3(v3, name, text, topo, form, layout, out_root))
    shutil.copy(os.path.join(v3, 'LICENSE'), os.path.join(FIXTURES, 'LICENSE'))
    manifest = {
        'generator': 'scripts/scalesim-v3-golden.py',
        'scalesim': {'path': '../shared/tools/scale-sim-v3', 'git': 'not a git checkout (no .git); setup.py version 2.0.2 (v3 sources)',
                     'sourcesSha256': sources_digest(v3)},
        'python': platform.python_version(), 'pythonExecutable': sys.executable, 'numpy': numpy.__version__,
        'runs': runs,
    }
    with open(os.path.join(FIXTURES, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
