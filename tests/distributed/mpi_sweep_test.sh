#!/bin/bash
# Distributed `plateau sweep` equals a serial one, experiment by experiment:
#   mpi_sweep_test.sh PLATEAU MPIRUN
# The lr-strategies preset (5 experiments, shortened to 2 epochs on 300 images) run serially, then under
# mpirun -np 2, then interrupted (SIGINT to mpirun) under -np 2 and finished under -np 3, which must skip
# what was finished and resume what was not. Each experiment's final weights and metrics.csv (less its
# seconds) must equal the serial sweep's.
set -Eeuo pipefail
plateau=$1 mpirun=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
trap 'for f in "$scratch"/*.log; do echo "== $f"; cat "$f"; done' ERR

sweep() { echo sweep --preset lr-strategies --epochs 2 --limit 300 --verbose 0 --run-dir "$1"; }
experiments=(fixed standard aggressive conservative combined)

same_sweep() {  # same_sweep A B
  for e in "${experiments[@]}"; do
    cmp "$1/$e/final.safetensors" "$2/$e/final.safetensors"
    diff <(cut -d, -f1-6 "$1/$e/metrics.csv") <(cut -d, -f1-6 "$2/$e/metrics.csv")
  done
}

# shellcheck disable=SC2046  # the options are plain words
"$plateau" $(sweep "$scratch/serial") > "$scratch/serial.log"
# shellcheck disable=SC2046
"$mpirun" --oversubscribe -np 2 "$plateau" $(sweep "$scratch/np2") > "$scratch/np2.log"
same_sweep "$scratch/serial" "$scratch/np2"
grep -c "(rank 1)" "$scratch/np2.log" > /dev/null
echo "mpirun -np 2: the 5 experiments equal the serial sweep's"

# Interrupted part way, then finished with another number of processes.
# shellcheck disable=SC2046
"$mpirun" --oversubscribe -np 2 "$plateau" $(sweep "$scratch/cut") > "$scratch/cut.log" 2>&1 &
job=$!
for _ in $(seq 600); do  # interrupt once the third experiment has begun
  grep -q "^\[3/5\]" "$scratch/cut.log" 2>/dev/null && break
  sleep 0.05
done
kill -INT "$job"
status=0
wait "$job" || status=$?
# shellcheck disable=SC2046
"$mpirun" --oversubscribe -np 3 "$plateau" $(sweep "$scratch/cut") > "$scratch/finish.log" 2>&1
same_sweep "$scratch/serial" "$scratch/cut"
echo "interrupted under -np 2 (exit $status), finished under -np 3:"
grep -E "^\[[0-9]/5\]" "$scratch/finish.log" | sort
skipped=$(grep -c "finished already, skipped" "$scratch/finish.log" || true)
[ "$skipped" -ge 1 ] && [ "$skipped" -lt 5 ] ||
  { echo "the second sweep skipped $skipped of 5 experiments: the interruption came too late or too early" >&2; exit 1; }
echo "the 5 experiments equal the serial sweep's"
