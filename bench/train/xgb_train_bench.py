#!/usr/bin/env python3
"""python3-xgboost on the matrices train_xgb_bench wrote: same data, same
parameters (objective, eval metric, hist, seed, nthread), same fixed number
of rounds, evaluated on the validation matrix every round, as strato does.
Usage: xgb_train_bench.py OUT_DIR STRATO_JSON"""
import json
import sys
import time

import numpy as np
import xgboost as xgb

out_dir, strato = sys.argv[1], json.loads(sys.argv[2])
f = strato["features"]
tx = np.fromfile(f"{out_dir}/train_x.f32", dtype=np.float32).reshape(-1, f)
ty = np.fromfile(f"{out_dir}/train_y.f32", dtype=np.float32)
vx = np.fromfile(f"{out_dir}/valid_x.f32", dtype=np.float32).reshape(-1, f)
vy = np.fromfile(f"{out_dir}/valid_y.f32", dtype=np.float32)
params = {"objective": "reg:squarederror", "eval_metric": "rmse", "tree_method": "hist",
          "seed": 42, "nthread": strato["threads"], "verbosity": 0}
params.update(strato["params"])
seconds = []
for _ in range(len(strato["seconds"])):
    start = time.perf_counter()
    # Matrix construction is timed on both sides (strato's includes it too).
    dtrain = xgb.DMatrix(tx, label=ty, missing=np.nan, nthread=strato["threads"])
    dvalid = xgb.DMatrix(vx, label=vy, missing=np.nan, nthread=strato["threads"])
    result = {}
    xgb.train(params, dtrain, num_boost_round=strato["rounds"], evals=[(dvalid, "valid")],
              evals_result=result, verbose_eval=False)
    seconds.append(time.perf_counter() - start)
print(json.dumps({"xgboost_version": xgb.__version__, "seconds": seconds,
                  "final_valid_rmse": result["valid"]["rmse"][-1]}))
