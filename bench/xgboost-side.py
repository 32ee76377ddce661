"""XGBoost 1.7 as a user runs it, for bench:side (side.ts): one process trains, another predicts.

    /usr/bin/python3 bench/xgboost-side.py train TRAIN.csv MODEL.json ROUNDS NTHREAD
    /usr/bin/python3 bench/xgboost-side.py predict MODEL.json TEST.csv OUT.txt NTHREAD

train: the CSV into numpy (xgboost-ref.py's loader: there is no pandas here, and XGBoost 1.7's own
CSV reader takes the header line for a row), a DMatrix, xgboost.train with binary:logistic,
tree_method=hist, max_depth 8 and XGBoost's other defaults, the train set evaluated every round (dtrain
reports the train logloss every round too), then save_model. predict: load the model and the CSV,
Booster.predict, one probability per line.
"""

import importlib.util
import os
import sys

import numpy as np
import xgboost as xgb

_spec = importlib.util.spec_from_file_location("xgboost_ref", os.path.join(os.path.dirname(__file__), "xgboost-ref.py"))
_ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)


def train(path: str, model: str, rounds: int, nthread: int) -> None:
    x, y = _ref.load_csv(path)
    dtrain = xgb.DMatrix(x, label=y, nthread=nthread)
    del x, y
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 8, "nthread": nthread}
    booster = xgb.train(params, dtrain, rounds, evals=[(dtrain, "train")])
    booster.save_model(model)


def predict(model: str, path: str, out: str, nthread: int) -> None:
    booster = xgb.Booster(params={"nthread": nthread}, model_file=model)
    x, _ = _ref.load_csv(path)
    pred = booster.predict(xgb.DMatrix(x, nthread=nthread))
    np.savetxt(out, pred, fmt="%.9g")


if __name__ == "__main__":
    verb, a, b, *rest = sys.argv[1:]
    if verb == "train":
        train(a, b, int(rest[0]), int(rest[1]))
    elif verb == "predict":
        predict(a, b, rest[0], int(rest[1]))
    else:
        sys.exit(f"xgboost-side.py: unknown verb {verb!r} (train or predict)")
