#!/usr/bin/python3
"""Alternating pairs: `gridcast bench train` against PyTorch (../shared/bench/convlstm_ref.py or bench/cnnlstm_ref.py).

This machine's speed drifts by up to 2x within minutes, so one run of each says little: each pair runs the two back
to back (gridcast first in odd pairs, PyTorch first in even ones, so neither always gets the warmer or quieter
slot), and only each pair's ratio of median step times counts. Prints one JSON line per pair, then one with every
ratio and their median.

    /usr/bin/python3 bench/train_pairs.py --pairs 6
    /usr/bin/python3 bench/train_pairs.py --model cnnlstm --pairs 6 --size 128

Both sides get the same --batch, --t-in, --t-out, --size, --hidden and --layers (the standard configuration by
default); the ConvLSTM's also --kernel 3 (the CNN-LSTM reference has 3x3 kernels and 8, 16 filters built in).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPE = dict(batch=4, t_in=10, t_out=10, size=64, hidden=32, layers=2)


def run(command, parse):
    out = subprocess.run(command, cwd=HOME, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return parse(out.stdout)


def gridcast_step_s(stdout):
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit("gridcast bench train printed no JSON line:\n" + stdout[-2000:])
    return lines[-1]["median_step_s"]


def torch_step_s(stdout):
    match = re.search(r"median_step_s=([0-9.]+)", stdout)
    if not match:
        sys.exit("the PyTorch reference printed no median_step_s:\n" + stdout[-2000:])
    return float(match.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=6)
    ap.add_argument("--model", choices=["convlstm", "cnnlstm"], default="convlstm")
    for key, value in SHAPE.items():
        ap.add_argument("--" + key.replace("_", "-"), type=int, default=value)
    ap.add_argument("--reference", help="the PyTorch script (default: ../shared/bench/convlstm_ref.py, or"
                                        " bench/cnnlstm_ref.py: the CNN-LSTM with its decoder's skips)")
    a = ap.parse_args()
    reference_script = a.reference or (os.path.join(HOME, "bench", "cnnlstm_ref.py") if a.model == "cnnlstm"
                                       else os.path.join(HOME, "..", "shared", "bench", "convlstm_ref.py"))
    if a.pairs < 1:
        sys.exit(f"expected --pairs >= 1, got {a.pairs}")
    if not os.path.isfile(reference_script):
        sys.exit(f"no PyTorch reference at {reference_script}")
    config = [arg for key in SHAPE for arg in ("--" + key.replace("_", "-"), str(getattr(a, key)))]
    config += ["--steps", "10"]
    kernel = ["--kernel", "3"] if a.model == "convlstm" else []
    gridcast = [os.path.join(HOME, "gridcast"), "bench", "train", "--model", a.model] + config + kernel
    reference = ["/usr/bin/python3", reference_script] + config + kernel + ["--threads", "2"]
    ratios = []
    for pair in range(a.pairs):
        steps = {}
        order = ["gridcast", "pytorch"] if pair % 2 == 0 else ["pytorch", "gridcast"]
        for name in order:
            steps[name] = run(gridcast, gridcast_step_s) if name == "gridcast" else run(reference, torch_step_s)
        ratios.append(round(steps["gridcast"] / steps["pytorch"], 3))
        print(json.dumps({"bench": "train-pair", "pair": pair + 1, "first": order[0],
                          "utc": time.strftime("%H:%M:%S", time.gmtime()), "gridcast_step_s": steps["gridcast"],
                          "pytorch_step_s": steps["pytorch"], "ratio": ratios[-1]}), flush=True)
    print(json.dumps({"bench": "train-pairs", "model": a.model, "pairs": a.pairs, "ratios": ratios,
                      "median_ratio": round(statistics.median(ratios), 3)}))


if __name__ == "__main__":
    main()
