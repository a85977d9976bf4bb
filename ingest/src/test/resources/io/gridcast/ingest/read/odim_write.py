#!/usr/bin/python3
"""Writes an ODIM_H5 file with h5py from a JSON description (argv[1]), as another producer would.

{"path": ..., "strings": "fixed" | "vlen", "groups": {"what": {attrs}, "dataset1/data1/what": {attrs}, ...},
 "data": {"dataset1/data1": {"dtype": "uint8", "shape": [ny, nx], "values": [...], "storage": {...}}}}
Strings are fixed-length, NUL-padded (as the ODIM_H5 spec asks) or variable-length; integers stay integers.
A dataset's storage is h5py's create_dataset keywords (chunks, compression, shuffle, fletcher32, fillvalue; by
default gzip in chunks h5py chooses), and "rows": n writes only the first n rows (chunks below are never written).
"""
import json
import sys

import h5py
import numpy as np

spec = json.loads(sys.argv[1])
with h5py.File(spec["path"], "w") as f:
    f.attrs["Conventions"] = np.bytes_(spec.get("conventions", "ODIM_H5/V2_4"))
    for path, attrs in spec["groups"].items():
        g = f.require_group(path)
        for key, value in attrs.items():
            if isinstance(value, str):
                g.attrs[key] = value if spec.get("strings") == "vlen" else np.bytes_(value)
            elif isinstance(value, int):
                g.attrs[key] = np.int64(value)
            else:
                g.attrs[key] = np.float64(value)
    for path, d in spec["data"].items():
        values = np.array(d["values"], dtype=d["dtype"]).reshape(d["shape"])
        storage = dict(d.get("storage", {"compression": "gzip", "chunks": True}))
        rows = storage.pop("rows", None)
        if isinstance(storage.get("chunks"), list):
            storage["chunks"] = tuple(storage["chunks"])
        if rows is None:
            f.require_group(path).create_dataset("data", data=values, **storage)
        else:
            ds = f.require_group(path).create_dataset("data", shape=values.shape, dtype=values.dtype, **storage)
            ds[:rows] = values[:rows]
