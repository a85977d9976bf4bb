#!/usr/bin/python3
"""Reference for `gridcast bench kernels`: PyTorch's conv2d and matmul on the same shapes, in one process.

conv2d: [batch, in, size, size] -> out channels, k x k, "same" padding, forward alone and forward + backward (input
and weight gradients: 3x the forward's multiplications); matmul: the weight gradient's shape, [out x cells] times
[cells x k*k*in]. Each timed --reps times after as many untimed calls; prints one JSON line of medians and GFLOP/s.

    /usr/bin/python3 bench/conv_torch.py --threads 2
"""
import argparse
import json
import statistics
import time

import torch


def median_ms(call, reps):
    for _ in range(reps):
        call()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in [("batch", 4), ("size", 64), ("in", 64), ("out", 128), ("kernel", 3), ("reps", 20),
                          ("threads", 0)]:
        ap.add_argument("--" + name, type=int, default=default)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    cells, taps = a.batch * a.size * a.size, a.kernel * a.kernel * getattr(a, "in")
    flops = 2.0 * cells * taps * a.out
    x = torch.rand(a.batch, getattr(a, "in"), a.size, a.size, requires_grad=True)
    conv = torch.nn.Conv2d(getattr(a, "in"), a.out, a.kernel, padding=a.kernel // 2)
    with torch.no_grad():
        conv_ms = median_ms(lambda: conv(x), a.reps)
    g = torch.rand(a.batch, a.out, a.size, a.size)

    def forward_backward():
        x.grad = None
        conv.zero_grad()
        conv(x).backward(g)

    conv_fb_ms = median_ms(forward_backward, a.reps)
    gates, columns = torch.rand(a.out, cells), torch.rand(cells, taps)
    matmul_ms = median_ms(lambda: gates @ columns, a.reps)
    print(json.dumps({"bench": "kernels_torch", "batch": a.batch, "size": a.size, "in": getattr(a, "in"),
                      "out": a.out, "kernel": a.kernel, "gflop": round(flops / 1e9, 4),
                      "conv2d_ms": round(conv_ms, 4), "conv2d_gflops": round(flops / conv_ms / 1e6, 4),
                      "conv2d_fwd_bwd_ms": round(conv_fb_ms, 4),
                      "conv2d_fwd_bwd_gflops": round(3 * flops / conv_fb_ms / 1e6, 4),
                      "matmul_ms": round(matmul_ms, 4), "matmul_gflops": round(flops / matmul_ms / 1e6, 4),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
