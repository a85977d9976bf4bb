#!/usr/bin/python3
"""Reference for `gridcast bench ingest`: read the same files with xarray (netCDF4 engine) in one process.

Per file it does what gridcast's ingest does per frame: open, decode times, unpack (scale, offset, fill), and
take the valid-cell count, min, max and mean of every frame. A warm-up pass first (unless --warmup 0; it puts the
files in the page cache for both tools alike), then --runs timed passes; prints one JSON line with the median.

    /usr/bin/python3 bench/ingest_xarray.py --input ../shared/data/radar/bom-brisbane-20201031 --variable precipitation
"""
import argparse
import glob
import json
import os
import resource
import statistics
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

IMPORT_S = time.perf_counter() - t_start


def ingest(files, variable):
    frames = 0
    for path in files:
        with xr.open_dataset(path, engine="netcdf4", mask_and_scale=True, decode_times=True, cache=False) as ds:
            da = ds[variable]
            _ = da.coords  # decoded times and coordinates, as the catalog records them
            values = da.values
            for frame in values.reshape(-1, values.shape[-2] * values.shape[-1]):
                valid = np.isfinite(frame)
                if valid.any():
                    v = frame[valid]
                    v.min(), v.max(), v.mean()
                frames += 1
    return frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--variable", required=True)
    parser.add_argument("--pattern", default="*.nc")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, choices=[0, 1], default=1)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.input, "**", args.pattern), recursive=True))
    if not files:
        sys.exit(f"no files matching {args.pattern} in {args.input}")
    t0 = time.perf_counter()
    if args.warmup:
        ingest(files, args.variable)
    warmup = time.perf_counter() - t0
    seconds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        frames = ingest(files, args.variable)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    print(json.dumps({
        "bench": "ingest_xarray", "input": args.input, "variable": args.variable, "files": len(files),
        "frames": frames, "seconds": round(median, 4), "frames_per_s": round(frames / median, 4),
        "run_s": [round(s, 4) for s in seconds], "warmup_s": round(warmup, 4), "import_s": round(IMPORT_S, 4),
        "xarray": xr.__version__, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
