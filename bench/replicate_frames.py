#!/usr/bin/python3
"""Grow a synthetic archive to N frames by copying its files with their times shifted past the last one.

`gridcast synth --size 512` spends about 2 s a frame here, so the ~2,000-frame bench archive is made from a
shorter synth run. The copies hold the same fields at new, gap-free times; for ingest speed only the file count,
grid and packing matter.

    /usr/bin/python3 bench/replicate_frames.py --input DIR/rain_rate --out DIR2 --frames 2000
"""
import argparse
import glob
import os
import shutil

import netCDF4


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="folder of synth_*.nc files, one time each")
    parser.add_argument("--out", required=True)
    parser.add_argument("--frames", type=int, default=2000)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.input, "*.nc")))
    times = []
    for f in files:
        with netCDF4.Dataset(f) as ds:
            times.append(float(ds["time"][0]))
    step = times[1] - times[0]
    span = times[-1] - times[0] + step
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.frames):
        source = files[i % len(files)]
        shift = (i // len(files)) * span
        target = os.path.join(args.out, f"frame_{i:05d}.nc")
        shutil.copyfile(source, target)
        if shift:
            with netCDF4.Dataset(target, "r+") as ds:
                ds["time"][0] = times[i % len(files)] + shift
    print(f"{args.frames} frames from {len(files)} files in {args.out}")


if __name__ == "__main__":
    main()
