#!/usr/bin/env python3
"""Writes the hand-made regression inputs of tests/fuzz/regressions/<format>/: one file for every class
of fault seen in files made on purpose (issue 14), each crafted from a real file of the seed corpus or
from scratch. Inputs that a fuzzer found are committed beside them as it left them.
Usage: python3 tests/fuzz/craft_regressions.py   (stdlib only; run tests/fuzz/make_corpus.sh first)"""
import copy
import gzip
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "regressions")


def write(fmt, name, data):
    os.makedirs(os.path.join(OUT, fmt), exist_ok=True)
    with open(os.path.join(OUT, fmt, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# IDX: magic 00 00 08, rank, big-endian dims, data.
def idx(dims, data=b""):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + data


write("idx", "dims_product_wraps_to_zero.idx", idx([4, 2**31, 2**31]))
write("idx", "claims_100GB.idx", idx([100000, 1000, 1000]) + bytes(1000))
write("idx", "claims_100GB.idx.gz", gzip.compress(idx([100000, 1000, 1000]) + bytes(1000), mtime=0))
write("idx", "gzip_bomb_header_claims_3GiB.idx.gz", gzip.compress(idx([3, 1024, 1024 * 1024]) + bytes(8 << 20), mtime=0))
write("idx", "gzip_more_data_than_dims.idx.gz", gzip.compress(idx([2, 2]) + bytes(40), mtime=0))
write("idx", "gzip_truncated_trailer.idx.gz", gzip.compress(idx([2, 2]) + bytes(4), mtime=0)[:-6])


# safetensors: u64 header length, JSON header, data.
def safetensors(header, data=b""):
    h = json.dumps(header, separators=(",", ":")).encode()  # compact, as plateau writes it
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def split_safetensors(b):
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n]), b[8 + n:]


def join_safetensors(header, tensors):
    """tensors: {name: bytes}; offsets are recomputed so that the data stays contiguous."""
    out, at = {}, 0
    if "__metadata__" in header:
        out["__metadata__"] = header["__metadata__"]
    data = b""
    for name, raw in tensors.items():
        entry = dict(header[name])
        entry["data_offsets"] = [at, at + len(raw)]
        out[name] = entry
        data += raw
        at += len(raw)
    return safetensors(out, data)


write("safetensors", "shape_bytes_wrap_to_zero.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [2**62], "data_offsets": [0, 0]}}))
write("safetensors", "claims_100GB.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [25000000000], "data_offsets": [0, 100000000000]}}, bytes(1000)))
write("safetensors", "metadata_value_not_a_string.safetensors", safetensors({"__metadata__": {"model": 5}}))
write("safetensors", "dtype_not_a_string.safetensors",
      safetensors({"w": {"dtype": 7, "shape": [1], "data_offsets": [0, 4]}}, bytes(4)))
write("safetensors", "negative_dimension.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, bytes(4)))
for name, spec in [
        ("spec_dense_of_2_to_40_units", [{"type": "Flatten"}, {"type": "Dense", "units": 2**40}]),
        ("spec_input_of_10_to_12_pixels", {"input_shape": [1000000, 1000000, 1], "layers": [{"type": "Flatten"}]}),
        ("spec_conv_of_2_to_30_filters",
         {"input_shape": [28, 28, 1], "layers": [{"type": "Conv2D", "filters": 2**30, "kernel_size": 1}]})]:
    write("safetensors", name + ".safetensors", safetensors({"__metadata__": {"model": json.dumps(spec)}}))
write("safetensors", "spec_deeply_nested.safetensors", safetensors({"__metadata__": {"model": "[" * 100000}}))


# specs: the first byte picks the reader of fuzz_spec.cpp (0 model, 1 optimizer, 2 schedule, 3 callbacks, 4 config).
def spec(selector, text, name):
    write("spec", name, bytes([selector]) + text.encode())


spec(2, json.dumps({"name": "OneCycleLR", "max_lr": 0.1, "epochs": 2**62, "steps_per_epoch": 4}),
     "one_cycle_total_steps_overflow")
spec(2, json.dumps({"name": "OneCycleLR", "max_lr": 0.1, "total_steps": 2**63 - 1}), "one_cycle_total_steps_int64_max")
spec(2, json.dumps({"name": "CosineAnnealingWarmRestarts", "T_0": 2**61, "T_mult": 8}), "warm_restarts_period_overflow")
spec(3, json.dumps([{"name": "ReduceLROnPlateau", "factor": "x"}]), "callbacks_number_given_as_string")
spec(3, json.dumps([5]), "callbacks_list_of_numbers")
spec(3, json.dumps([{"name": 5}]), "callbacks_name_not_a_string")
spec(3, json.dumps([{"name": "ModelCheckpoint", "filepath": "w-{epoch:99999999999d}.safetensors"}]),
     "checkpoint_template_huge_width")
spec(3, json.dumps([{"name": "CSVLogger", "filename": "log.csv", "separator": ""}]), "csv_logger_empty_separator")
spec(0, "[" * 100000, "model_deeply_nested")
spec(0, json.dumps([{"type": "Conv2D", "filters": 2**32 + 1, "kernel_size": 3}]), "model_filters_beyond_int")
spec(4, json.dumps({"epochs": "12", "seed": -1}), "config_wrong_types")
spec(4, json.dumps({"epochs": 0, "threads": -3}), "config_out_of_range")
spec(4, json.dumps({"schedule": 5, "callbacks": {"name": "x"}}), "config_schedule_not_a_spec")
spec(1, json.dumps({"name": "SGD", "lr": 1e308, "momentum": 0.5, "clipnorm": 1e-320}), "optimizer_extreme_values")

# checkpoints: forged from a real mid-epoch checkpoint of the seed corpus; the harness seals the CRC.
base = open(os.path.join(ROOT, "corpus", "checkpoint", "ckpt-e0001-b000001.safetensors"), "rb").read()
header, data = split_safetensors(base)
tensors = {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items() if k != "__metadata__"}
state = json.loads(header["__metadata__"]["state"])


def checkpoint(name, state_change=None, tensor_change=None):
    h, t, s = copy.deepcopy(header), dict(tensors), copy.deepcopy(state)
    if state_change:
        state_change(s)
    if tensor_change:
        tensor_change(h, t)
    h["__metadata__"]["state"] = json.dumps(s, separators=(",", ":"))
    write("checkpoint", name + ".safetensors", join_safetensors(h, t))


def drop(name):
    return lambda h, t: t.pop(name)


def rename(old, new):
    def change(h, t):
        h[new] = h[old]
        t[new] = t.pop(old)
    return change


checkpoint("missing_adam_slot", tensor_change=drop("optimizer/0.3.v"))
checkpoint("slot_of_another_shape", tensor_change=lambda h, t: (h["optimizer/0.0.m"].update(shape=[1]),
                                                                   t.update({"optimizer/0.0.m": t["optimizer/0.0.m"][:4]})))
checkpoint("slot_of_no_parameter", tensor_change=rename("optimizer/0.0.m", "optimizer/0.99.m"))
checkpoint("slot_index_not_a_number", tensor_change=rename("optimizer/0.0.m", "optimizer/x.0.m"))
checkpoint("callback_tensor_index_not_a_number", tensor_change=rename("callback/1/0.bias", "callback/x/0.bias"))
checkpoint("callback_tensor_index_out_of_range", tensor_change=rename("callback/1/0.bias", "callback/99999999999999999999/0.bias"))
checkpoint("best_weights_missing_a_tensor", tensor_change=drop("callback/1/4.weight"))
checkpoint("steps_array_shorter_than_params", lambda s: s["optimizer"]["groups"][0].update(steps=[0]))
checkpoint("group_without_params", lambda s: s["optimizer"]["groups"][0].pop("params"))
checkpoint("params_not_a_number", lambda s: s["optimizer"]["groups"][0].update(params="8"))
checkpoint("lr_negative", lambda s: s["optimizer"]["groups"][0].update(lr=-1))
checkpoint("cursor_epoch_a_string", lambda s: s["cursor"].update(epoch="1"))
checkpoint("cursor_global_step_int64_max", lambda s: s["cursor"].update(global_step=2**63 - 1))
checkpoint("cursor_batch_beyond_the_epoch", lambda s: s["cursor"].update(batch=10**6))
checkpoint("rng_key_not_a_number", lambda s: s.update(rng={"x": s["rng"]["5"]}))
checkpoint("rng_of_a_layer_without_one", lambda s: s.update(rng={"0": s["rng"]["5"]}))
checkpoint("rng_state_all_zero", lambda s: s.update(rng={"5": [0, 0, 0, 0]}))
checkpoint("rng_state_short", lambda s: s.update(rng={"5": [1]}))
checkpoint("callback_state_wrong_type", lambda s: s["callbacks"][0]["state"].update(wait="x"))
checkpoint("callback_state_missing", lambda s: s["callbacks"][1].pop("state"))
checkpoint("callback_names_reordered", lambda s: s["callbacks"].reverse())
checkpoint("history_rows_and_epochs_differ",
           lambda s: next(c for c in s["callbacks"] if c["name"] == "History")["state"].update(epochs=[0, 1, 2]))
checkpoint("lr_changes_wrong_types", lambda s: s.update(lr_changes=[{"epoch": "x"}]))
checkpoint("config_unknown_key", lambda s: s["config"].update(frobnicate=1))
checkpoint("config_epochs_zero", lambda s: s["config"].update(epochs=0))
checkpoint("state_not_an_object", lambda s: s.clear() or s.update({"optimizer": []}))


# run files: run.json, metrics.csv and results.json split at NUL bytes.
def run_files(name, run_json, metrics, results=""):
    write("run_files", name, run_json + "\0" + metrics + "\0" + results)


RUN = json.dumps({"config": {"epochs": 3}, "versions": {}})
HEAD = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds\n"
run_files("results_test_accuracy_a_string", RUN, HEAD + "0,1,0.5,1,0.5,0.001,1\n", json.dumps({"test_accuracy": "x"}))
run_files("results_lr_changes_wrong_types", RUN, HEAD + "0,1,0.5,1,0.5,0.001,1\n", json.dumps({"lr_changes": [5]}))
run_files("metrics_cell_not_a_number", RUN, HEAD + "0,abc,0.5,1,0.5,0.001,1\n")
run_files("metrics_epoch_1e300", RUN, HEAD + "1e300,1,0.5,1,0.5,0.001,1\n")
run_files("metrics_lr_zero", RUN, HEAD + "0,1,0.5,1,0.5,0,1\n1,1,0.5,1,0.5,0,1\n")
run_files("metrics_values_huge_and_tiny", RUN, HEAD + "0,1e308,1e-308,-1e308,0,1e-320,1\n1,1e307,0,nan,inf,1e300,1\n")
run_files("metrics_row_longer_than_header", RUN, "epoch,loss\n0,1,2,3\n")
run_files("run_json_config_not_an_object", json.dumps({"config": 5}), "")
run_files("run_json_not_json", "{", "")
print("craft_regressions: wrote", sum(len(files) for _, _, files in os.walk(OUT)), "files under", OUT)
