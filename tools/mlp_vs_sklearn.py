"""The scikit-learn side of `deno task compare:mlp` (tools/mlp_vs_sklearn.ts).

Reads the split that the TypeScript side wrote (float64 / int32 raw files in DIR), trains
MLPClassifier(hidden_layer_sizes=(100,), random_state=0) with its defaults (Adam, lr 1e-3,
alpha 1e-4, batches of 200, up to 200 epochs) on the training set, and prints one JSON line with
the validation and test accuracies and the training time.

Usage: python3 tools/mlp_vs_sklearn.py DIR
"""
import json
import sys
import time

import numpy as np
from sklearn.neural_network import MLPClassifier


def load(directory, name, dtype, cols=None):
    a = np.fromfile(f"{directory}/{name}.bin", dtype=dtype)
    return a.reshape(-1, cols) if cols else a


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) == 2 else 2)
    d = sys.argv[1]
    with open(f"{d}/shape.json") as f:
        cols = json.load(f)["cols"]
    X = {s: load(d, f"X{s}", "<f8", cols) for s in ("Train", "Val", "Test")}
    y = {s: load(d, f"y{s}", "<i4") for s in ("Train", "Val", "Test")}
    mlp = MLPClassifier(hidden_layer_sizes=(100,), random_state=0)
    t0 = time.perf_counter()
    mlp.fit(X["Train"], y["Train"])
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "valAcc": float(mlp.score(X["Val"], y["Val"])),
        "testAcc": float(mlp.score(X["Test"], y["Test"])),
        "seconds": seconds,
        "epochs": int(mlp.n_iter_),
        "sklearn": __import__("sklearn").__version__,
    }))


if __name__ == "__main__":
    main()
