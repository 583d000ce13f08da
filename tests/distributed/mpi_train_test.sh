#!/bin/bash
# Data-parallel `plateau train` under mpirun equals one process, byte for byte.
#   mpi_train_test.sh PLATEAU MPIRUN same   -np 2 and -np 4 against a plain run: final weights, metrics.csv
#                                            less its seconds, the lr changes and stop of results.json, and
#                                            ModelCheckpoint's choices (file names and bytes)
#   mpi_train_test.sh PLATEAU MPIRUN resume  stopped after 5 batches under -np 2, resumed under -np 4
#   mpi_train_test.sh PLATEAU MPIRUN kill    5 trials: one rank SIGKILLed at a random moment, the job must
#                                            end non-zero (not hang), and --resume (-np 1, 2 or 4) must
#                                            end as the uninterrupted run
#   mpi_train_test.sh PLATEAU MPIRUN mismatch ranks started with different options end at once
# A few hundred images, 3 epochs, ReduceLROnPlateau + EarlyStopping + ModelCheckpoint + per-batch OneCycleLR.
set -Eeuo pipefail
plateau=$1 mpirun=$2 mode=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# On a failure, what the runs printed.
trap 'for f in "$scratch"/*.log; do echo "== $f"; tail -n 12 "$f"; done; ls -R "$scratch" | head -n 80' ERR

train() {  # train N DIR [more flags]: N = 0 runs without mpirun
  local n=$1 dir=$2; shift 2
  local args
  args=(train --epochs 3 --limit 300 --batch-size 32 --verbose 2 --threads 1 --checkpoint-every-batches 2
        --schedule '{"name":"OneCycleLR","max_lr":0.01,"total_steps":24}'
        --callbacks "[{\"name\":\"ReduceLROnPlateau\",\"monitor\":\"val_loss\",\"factor\":0.5,\"patience\":0},
                      {\"name\":\"EarlyStopping\",\"monitor\":\"val_loss\",\"patience\":1,\"restore_best_weights\":true},
                      {\"name\":\"ModelCheckpoint\",\"filepath\":\"$dir/best/w-{epoch:02d}.safetensors\",
                       \"monitor\":\"val_loss\",\"save_best_only\":true}]"
        --run-dir "$dir" "$@")
  if [ "$n" = 0 ]; then
    "$plateau" "${args[@]}"
  else
    "$mpirun" --oversubscribe -np "$n" "$plateau" "${args[@]}"
  fi
}

# same_run A B: B ended as A did.
same_run() {
  local a=$1 b=$2
  cmp "$a/final.safetensors" "$b/final.safetensors"
  diff <(cut -d, -f1-6 "$a/metrics.csv") <(cut -d, -f1-6 "$b/metrics.csv")
  python3 - "$a/results.json" "$b/results.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("lr_changes", "stopped_epoch", "restored_epoch", "test_loss", "test_accuracy", "epochs_run"):
    assert a.get(key) == b.get(key), f"results.json {key}: {a.get(key)} vs {b.get(key)}"
PY
  diff <(cd "$a/best" && ls) <(cd "$b/best" && ls)
  for f in "$a"/best/*; do cmp "$f" "$b/best/$(basename "$f")"; done
}

case $mode in
  same)
    train 0 "$scratch/alone" > "$scratch/alone.log"
    for n in 2 4; do
      train "$n" "$scratch/np$n" > "$scratch/np$n.log"
      same_run "$scratch/alone" "$scratch/np$n"
      grep -q '"processes": '"$n" "$scratch/np$n/run.json"
      echo "-np $n: final weights, metrics, lr changes, early stop and checkpoint choices equal one process's"
    done
    tail -n 4 "$scratch/np4.log"
    ;;
  resume)
    train 0 "$scratch/alone" > /dev/null
    status=0
    train 2 "$scratch/cut" --stop-after-batches 5 > /dev/null 2>&1 || status=$?
    [ "$status" = 130 ] || { echo "stopped run exited $status, expected 130" >&2; exit 1; }
    "$mpirun" --oversubscribe -np 4 "$plateau" train --resume "$scratch/cut" --threads 1 > "$scratch/resumed.log"
    same_run "$scratch/alone" "$scratch/cut"
    grep "Resuming from" "$scratch/resumed.log"
    echo "stopped under -np 2 after 5 batches, resumed under -np 4: equal to the uninterrupted run"
    ;;
  kill)
    train 0 "$scratch/alone" > /dev/null
    for trial in 1 2 3 4 5; do
      dir="$scratch/trial$trial"
      n=$(( trial % 2 == 0 ? 4 : 2 ))
      train "$n" "$dir" > "$dir.log" 2>&1 &
      job=$!
      sleep "$(( RANDOM % 2 + 1 )).$(( RANDOM % 10 ))"  # 1 to 3 s: while loading, training or writing
      victim=$(pgrep -f -- "--run-dir $dir" | grep -v "^$job\$" | while read -r p; do
                 [ "$(ps -o comm= -p "$p")" = plateau ] && echo "$p"; done | shuf -n 1 || true)
      [ -n "$victim" ] && kill -9 "$victim" || true
      start=$(date +%s)
      status=0
      timeout 120 tail --pid="$job" -f /dev/null || { echo "trial $trial: the job hung after a rank was killed" >&2; exit 1; }
      wait "$job" || status=$?
      took=$(( $(date +%s) - start ))
      if [ -z "$victim" ] || [ "$status" = 0 ]; then
        echo "trial $trial: the run ended before a rank could be killed (exit $status); it must equal the plain run"
        same_run "$scratch/alone" "$dir"
        continue
      fi
      resume_n=$(( trial == 1 ? 1 : trial == 2 ? 2 : trial == 3 ? 4 : trial == 4 ? 2 : 1 ))
      if [ -f "$dir/run.json" ] && ls "$dir/checkpoints"/ckpt-*.safetensors > /dev/null 2>&1; then
        "$mpirun" --oversubscribe -np "$resume_n" "$plateau" train --resume "$dir" --threads 1 > "$dir.resume.log" 2>&1
        how="resumed under -np $resume_n"
      else  # killed before the first checkpoint: nothing to resume, so start again
        rm -rf "$dir"
        train "$resume_n" "$dir" > "$dir.resume.log" 2>&1
        how="started again under -np $resume_n (killed before its first checkpoint)"
      fi
      same_run "$scratch/alone" "$dir"
      echo "trial $trial: -np $n, rank pid $victim killed; the job exited $status after ${took}s; $how: equal to the uninterrupted run"
    done
    ;;
  mismatch)
    # rank 1 asks for 3 epochs: one line names the difference, the job ends non-zero, nothing is written
    status=0
    "$mpirun" --oversubscribe -np 1 "$plateau" train --epochs 2 --limit 300 --run-dir "$scratch/mixed" : \
              -np 1 "$plateau" train --epochs 3 --limit 300 --run-dir "$scratch/mixed" > "$scratch/mixed.log" 2>&1 ||
      status=$?
    [ "$status" != 0 ] || { echo "ranks with different options exited 0" >&2; exit 1; }
    grep -F 'plateau: rank 1 was started with other options or data than rank 0: epochs 3 (rank 0: 2)' "$scratch/mixed.log"
    [ ! -e "$scratch/mixed" ] || { echo "the run directory was created" >&2; exit 1; }
    echo "ranks started with different options: exit $status, one line, no run directory"
    ;;
  *)
    echo "mpi_train_test.sh: unknown mode '$mode' (same, resume, kill or mismatch)" >&2
    exit 2
    ;;
esac
