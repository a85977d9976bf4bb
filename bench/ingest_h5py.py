#!/usr/bin/python3
"""Reference for `gridcast bench ingest --reader odim-hdf5`: read the same ODIM_H5 files with h5py in one process.

Per file it does what gridcast's ingest does per frame: open, read the nominal time, find the dataset of the
quantity (in dataM/what or datasetN/what), read it fully, decode gain/offset with nodata missing and undetect 0,
and take the valid-cell count, min, max and mean. A warm-up pass first (unless --warmup 0; it puts the files in
the page cache for both tools alike), then --runs timed passes; prints one JSON line with the median, frames/s and
MB/s of decoded values (4-byte floats, as gridcast counts them).

    /usr/bin/python3 bench/ingest_h5py.py --input ../shared/data/radar/opera-20180824 --quantity RATE
"""
import argparse
import datetime
import glob
import json
import os
import resource
import statistics
import sys
import time

t_start = time.perf_counter()
import h5py  # noqa: E402
import numpy as np  # noqa: E402

IMPORT_S = time.perf_counter() - t_start


def text(attrs, key):
    value = attrs[key]
    return value.decode() if isinstance(value, bytes) else str(value)


def attr(groups, key, default=None):
    """The innermost of groups stating key (ODIM lets dataM/what override datasetN/what and /what)."""
    for g in groups:
        if g is not None and key in g.attrs:
            return g.attrs[key]
    return default


def ingest(files, quantity):
    frames = 0
    cells = 0
    for path in files:
        with h5py.File(path, "r") as f:
            datetime.datetime.strptime(text(f["what"].attrs, "date") + text(f["what"].attrs, "time"), "%Y%m%d%H%M%S")
            found = []
            for ds_name, ds in f.items():
                if not ds_name.startswith("dataset"):
                    continue
                for d_name, d in ds.items():
                    if d_name.startswith("data") and d_name[4:].isdigit():
                        groups = [d.get("what"), ds.get("what"), f.get("what")]
                        q = attr(groups, "quantity")
                        if q is not None and (q.decode() if isinstance(q, bytes) else q) == quantity:
                            found.append((d, groups))
            if len(found) != 1:
                sys.exit(f"{path}: {len(found)} datasets of quantity {quantity}")
            d, groups = found[0]
            raw = d["data"][()]
            values = raw * float(attr(groups, "gain", 1.0)) + float(attr(groups, "offset", 0.0))
            values = values.astype(np.float32)
            nodata, undetect = attr(groups, "nodata"), attr(groups, "undetect")
            if undetect is not None:
                values[raw == undetect] = 0
            if nodata is not None:
                values[raw == nodata] = np.nan
            valid = np.isfinite(values)
            if valid.any():
                v = values[valid]
                v.min(), v.max(), v.mean(dtype=np.float64)
            frames += 1
            cells += values.size
    return frames, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--quantity", required=True)
    parser.add_argument("--pattern", default="*.hdf")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, choices=[0, 1], default=1)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.input, "**", args.pattern), recursive=True))
    if not files:
        sys.exit(f"no files matching {args.pattern} in {args.input}")
    t0 = time.perf_counter()
    if args.warmup:
        ingest(files, args.quantity)
    warmup = time.perf_counter() - t0
    seconds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        frames, cells = ingest(files, args.quantity)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    print(json.dumps({
        "bench": "ingest_h5py", "input": args.input, "quantity": args.quantity, "files": len(files),
        "frames": frames, "seconds": round(median, 4), "frames_per_s": round(frames / median, 4),
        "mb_per_s": round(cells * 4 / 1e6 / median, 4),
        "run_s": [round(s, 4) for s in seconds], "warmup_s": round(warmup, 4), "import_s": round(IMPORT_S, 4),
        "h5py": h5py.__version__, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
