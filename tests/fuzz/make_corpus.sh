#!/usr/bin/env bash
# Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<format>/) from real files: IDX files in
# the data set's layout (synthetic pixels), weights and checkpoints written by the plateau binary
# from a short training run of a tiny model, and the specs and configs the README and the examples
# use. Usage: tests/fuzz/make_corpus.sh [PLATEAU_BINARY] (default build/release/plateau).
set -euo pipefail
cd "$(dirname "$0")/../.."
plateau=${1:-build/release/plateau}
out=tests/fuzz/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"/{idx,safetensors,checkpoint,spec,run_files}

# IDX: images (rank 3) and labels (rank 1), raw and gzip'd, as the data set ships them.
python3 - "$out/idx" <<'PY'
import gzip, random, struct, sys
out = sys.argv[1]
random.seed(7)
def idx(dims, data):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)
images = idx([3, 5, 4], [random.randrange(256) for _ in range(60)])
labels = idx([3], [4, 0, 9])
for name, b in [("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)]:
    open(f"{out}/{name}", "wb").write(b)
    open(f"{out}/{name}.gz", "wb").write(gzip.compress(b, mtime=0))
PY

# Weights and checkpoints from a tiny model trained for a few batches with the combined strategy.
tiny='[{"type":"Conv2D","filters":2,"kernel_size":3,"strides":4,"activation":"relu"},{"type":"BatchNormalization"},
{"type":"MaxPooling2D","pool_size":2},{"type":"Flatten"},{"type":"Dense","units":4,"activation":"relu"},
{"type":"Dropout","rate":0.5},{"type":"Dense","units":10,"activation":"softmax"}]'
"$plateau" train --model "$tiny" --epochs 2 --limit 96 --batch-size 32 --verbose 0 --run-dir "$work/run" \
  --callbacks '[{"name":"ReduceLROnPlateau","factor":0.5,"patience":1},{"name":"EarlyStopping","patience":3,"restore_best_weights":true},{"name":"ModelCheckpoint","filepath":"best.safetensors","monitor":"val_accuracy","save_best_only":true}]' \
  --schedule '{"name":"OneCycleLR","max_lr":0.01,"epochs":2,"steps_per_epoch":3}' \
  --checkpoint-every-batches 2 --keep-last 10 >/dev/null
cp "$work/run/final.safetensors" "$out/safetensors/tiny_final.safetensors"
cp "$work/run/best.safetensors" "$out/safetensors/tiny_best.safetensors"
for f in "$work"/run/checkpoints/ckpt-*.safetensors; do cp "$f" "$out/checkpoint/$(basename "$f")"; done
# Run files: run.json, metrics.csv and results.json, one input split at NUL bytes (fuzz_run_files.cpp).
{ cat "$work/run/run.json"; printf '\0'; cat "$work/run/metrics.csv"; printf '\0'; cat "$work/run/results.json"; } \
  > "$out/run_files/tiny_finished"
{ cat "$work/run/run.json"; printf '\0'; head -2 "$work/run/metrics.csv"; } > "$out/run_files/tiny_unfinished"

# Specs: the first byte picks the reader of fuzz_spec.cpp (0 model, 1 optimizer, 2 schedule,
# 3 callbacks, 4 --config).
spec() { printf "\\x$(printf %02x "$1")%s" "$2" > "$out/spec/$3"; }
spec 0 "$tiny" model_tiny
spec 0 '{"input_shape":[28,28,1],"layers":[{"type":"Conv2D","filters":8,"kernel_size":[3,3],"padding":"same"},{"type":"MaxPooling2D","pool_size":2,"strides":2,"padding":"same"},{"type":"Flatten"},{"type":"Dense","units":10,"activation":"softmax"}]}' model_same
spec 1 '{"name":"SGD","lr":0.01,"momentum":0.9,"nesterov":true}' optimizer_sgd
spec 1 '{"name":"keras.Adam","learning_rate":0.001,"amsgrad":true,"clipnorm":1.0}' optimizer_keras_adam
spec 1 '{"name":"keras.RMSprop","learning_rate":0.001,"momentum":0.5,"centered":true}' optimizer_keras_rmsprop
spec 1 'adadelta' optimizer_bare_name
spec 2 '{"name":"StepLR","step_size":4,"gamma":0.5}' schedule_step
spec 2 '{"name":"OneCycleLR","max_lr":0.003,"epochs":12,"steps_per_epoch":375}' schedule_one_cycle
spec 2 '{"name":"SequentialLR","schedulers":[{"name":"LinearLR","start_factor":0.1,"total_iters":5},{"name":"CosineAnnealingLR","T_max":20}],"milestones":[5]}' schedule_sequential
spec 2 '{"name":"CosineAnnealingWarmRestarts","T_0":5,"T_mult":2}' schedule_warm_restarts
spec 2 '{"name":"CyclicLR","base_lr":0.001,"max_lr":0.01,"step_size_up":10,"mode":"exp_range","gamma":0.99}' schedule_cyclic
spec 2 '{"name":"keras.CosineDecay","initial_learning_rate":0.1,"decay_steps":1000,"warmup_target":0.2,"warmup_steps":10}' schedule_keras_cosine
spec 2 '{"name":"LambdaLR","lr_lambda":"0.95^epoch"}' schedule_lambda
spec 2 '{"name":"ReduceLROnPlateau","factor":0.5,"patience":1,"threshold_mode":"abs"}' schedule_plateau
spec 3 "$(python3 -c 'import json;print(json.dumps(json.load(open("apps/examples/combined_strategy.json"))["callbacks"]))')" callbacks_combined
spec 3 '[{"name":"LearningRateScheduler","schedule":"epoch < 5 ? lr : lr * 0.9"},{"name":"CSVLogger","filename":"log.csv"},{"name":"TerminateOnNaN"}]' callbacks_expression
spec 3 '[{"name":"ModelCheckpoint","filepath":"w-{epoch:02d}-{val_loss:.2f}.safetensors","save_freq":2}]' callbacks_checkpoint_template
spec 4 "$(cat apps/examples/combined_strategy.json)" config_combined
spec 4 "$(python3 -c 'import json;print(json.dumps(json.load(open("'"$work"'/run/run.json"))["config"]))')" config_run_json
echo "make_corpus: wrote $(find "$out" -type f | wc -l) seed files under $out"
