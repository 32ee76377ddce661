"""XGBoost 1.7's side of a GbdtJob (see gbdt-job.ts), run by the GBDT benches:

    /usr/bin/python3 bench/xgboost-ref.py '<GbdtJob as JSON>'

Loads the train CSV (header `label,f0,...`, empty field = missing) into float32 numpy arrays in chunks,
builds a DMatrix, trains with tree_method=hist and the job's params (evaluating the train set every
round), reads ru_maxrss (load + train, like ours; also once right after the imports), then loads the
test CSV, times Booster.predict on a fresh DMatrix and writes the predictions as float32 rows x
outputs. Prints one JSON line (GbdtRun).
"""

import io
import json
import resource
import sys
import time

import numpy as np
import xgboost as xgb

CHUNK = 8 << 20


def _fields(lines: bytes) -> bytes:
    # numpy's loadtxt rejects empty fields; the CSV writes a missing value as one.
    lines = lines.replace(b",,", b",nan,").replace(b",,", b",nan,").replace(b",\n", b",nan\n")
    return lines + b"nan" if lines.endswith(b",") else lines


def _chunks(path: str):
    """The file's data lines (header dropped) in blocks of whole lines, about CHUNK bytes each."""
    with open(path, "rb") as f:
        f.readline()
        rest = b""
        while True:
            block = f.read(CHUNK)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut > 0:
                yield block[:cut]
        if rest.strip():
            yield rest + b"\n"


def load_csv(path: str):
    """(X float32 rows x cols with NaN for missing, y float32): two passes, no whole-file copy."""
    rows = sum(block.count(b"\n") for block in _chunks(path))
    with open(path, "rb") as f:
        cols = f.readline().count(b",")
    x = np.empty((rows, cols), dtype=np.float32)
    y = np.empty(rows, dtype=np.float32)
    at = 0
    for block in _chunks(path):
        part = np.loadtxt(io.StringIO(_fields(block).decode("ascii")), delimiter=",", dtype=np.float32, ndmin=2)
        x[at : at + len(part)] = part[:, 1:]
        y[at : at + len(part)] = part[:, 0]
        at += len(part)
    return x, y


def sklearn_metric(params: dict, y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score

    objective = params["objective"]
    if objective.startswith("multi:"):
        return float(accuracy_score(y, pred.reshape(len(y), -1).argmax(axis=1)))
    if objective.startswith("reg:squarederror"):
        return float(np.sqrt(mean_squared_error(y, pred)))
    return float(roc_auc_score(y, pred))


def main() -> None:
    job = json.loads(sys.argv[1])
    start_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    params = dict(job["params"], tree_method="hist")
    t = time.perf_counter()
    x, y = load_csv(job["train"])
    dtrain = xgb.DMatrix(x, label=y, nthread=int(params.get("nthread", 0)))
    # The DMatrix holds its own copy; a user would let the arrays go, so we do.
    del x, y
    load_seconds = time.perf_counter() - t
    t = time.perf_counter()
    booster = xgb.train(params, dtrain, job["rounds"], evals=[(dtrain, "train")], verbose_eval=False)
    train_seconds = time.perf_counter() - t
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    tx, ty = load_csv(job["test"])
    predict_seconds = float("inf")
    for _ in range(job["predictReps"]):
        # A fresh DMatrix each time: a Booster caches its predictions per DMatrix, so a second
        # predict on the same one would be a cache hit, not a prediction.
        dtest = xgb.DMatrix(tx, nthread=int(params.get("nthread", 0)))
        t = time.perf_counter()
        pred = booster.predict(dtest)
        predict_seconds = min(predict_seconds, time.perf_counter() - t)
    np.ascontiguousarray(pred, dtype=np.float32).tofile(job["predictionsOut"])
    run = {
        "loadSeconds": load_seconds,
        "trainSeconds": train_seconds,
        "maxRssKiB": max_rss_kib,
        "startRssKiB": start_rss_kib,
        "testRows": len(ty),
        "predictSeconds": predict_seconds,
        "sklearnMetric": sklearn_metric(params, ty, pred),
    }
    print(json.dumps(run))


if __name__ == "__main__":
    main()
