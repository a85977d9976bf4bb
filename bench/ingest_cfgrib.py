#!/usr/bin/python3
"""Reference for `gridcast bench ingest --reader grib`: read the same GRIB files with xarray + cfgrib in one process.

Per file it does what gridcast's ingest does per frame: open, decode times and coordinates, decode every value,
turn the product's "no data" values (--missing, e.g. MRMS's -3) into NaN, and take the valid-cell count, min, max
and mean of every frame. cfgrib writes no index beside the files (indexpath ""), as gridcast writes none into the
archive. A warm-up pass over the first file first (unless --warmup 0), then --runs timed passes over --limit files
(cfgrib takes tens of seconds an MRMS frame); prints one JSON line with frames/s and MB/s of decoded values (as
float32, gridcast's measure) of the median run.

    /usr/bin/python3 bench/ingest_cfgrib.py --input ../shared/data/radar/mrms-20190610 --limit 3 --missing -3
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
import cfgrib  # noqa: E402

IMPORT_S = time.perf_counter() - t_start


def ingest(files, variable, missing):
    frames = 0
    cells = 0
    for path in files:
        with xr.open_dataset(path, engine="cfgrib", cache=False, backend_kwargs={"indexpath": ""}) as ds:
            da = ds[variable] if variable else ds[list(ds.data_vars)[0]]
            _ = da.coords  # decoded times and coordinates, as the catalog records them
            values = da.values
            for frame in values.reshape(-1, values.shape[-2] * values.shape[-1]):
                valid = np.isfinite(frame)
                for m in missing:
                    valid &= frame != m
                if valid.any():
                    v = frame[valid]
                    v.min(), v.max(), v.mean()
                frames += 1
                cells += frame.size
    return frames, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--variable", help="cfgrib's name of the variable (default: the file's only data variable)")
    parser.add_argument("--pattern", default="*.grib2")
    parser.add_argument("--limit", type=int, default=3, help="files read per run, in name order (default: 3)")
    parser.add_argument("--missing", type=float, action="append", default=[],
                        help="a value that means no data (repeatable), as gridcast's missing_values setting")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--warmup", type=int, choices=[0, 1], default=1)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.input, "**", args.pattern), recursive=True))[:args.limit]
    if not files:
        sys.exit(f"no files matching {args.pattern} in {args.input}")
    t0 = time.perf_counter()
    if args.warmup:
        ingest(files[:1], args.variable, args.missing)
    warmup = time.perf_counter() - t0
    seconds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        frames, cells = ingest(files, args.variable, args.missing)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    print(json.dumps({
        "bench": "ingest_cfgrib", "input": args.input, "variable": args.variable, "files": len(files),
        "frames": frames, "seconds": round(median, 4), "frames_per_s": round(frames / median, 4),
        "mb_per_s": round(cells * 4 / 1e6 / median, 4), "run_s": [round(s, 4) for s in seconds],
        "warmup_s": round(warmup, 4), "import_s": round(IMPORT_S, 4), "xarray": xr.__version__,
        "cfgrib": cfgrib.__version__,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
