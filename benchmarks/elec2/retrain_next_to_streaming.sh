#!/usr/bin/env bash
# A retraining run (submit/mlops retrain: features on new input, training set, train, the gate)
# alone on the machine, and the same run next to the demo's four streaming jobs (online-store,
# serve, monitor, scheduler) standing idle, side by side, in rounds; prints each time and the
# ratio. This is the cost `submit/mlops demo` pays for every retraining it waits for.
#
#   benchmarks/elec2/retrain_next_to_streaming.sh [rounds (default 2)] [work dir]
#
# The workspace (default benchmarks/target/retrain-bench) holds the Elec2 project with its source
# reading weekly CSV files: the first 8 weeks and 13 more are ingested and the first model
# trained once (the snapshot); each measured run starts from a copy of the snapshot at the same
# path, with 28 more weeks added (9,408 rows), as the demo's third retraining has.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-2}"
work="${2:-$top/benchmarks/target/retrain-bench}"
mlops="$top/submit/mlops"
model=price_direction

snap="$work/snapshot"
run="$work/run"
extra="$work/extra"
if [[ ! -d "$snap" ]]; then
  rm -rf "$work"
  mkdir -p "$snap/project" "$snap/stream/readings" "$snap/project/labels" "$extra"
  cp "$top"/conf/examples/elec2/*.yaml "$snap/project/"
  sed -i 's#^\(\s*\)path: ../../../data/elec2/electricity.csv$#\1path: ../stream/readings#' \
    "$snap/project/sources.yaml"
  grep -q 'path: ../stream/readings' "$snap/project/sources.yaml"
  # part-000000: the first 8 weeks (2,688 half-hours), then one file a week (336).
  awk -v dir="$work/split" 'BEGIN { system("mkdir -p " dir) }
    NR == 1 { header = $0; next }
    { i = NR - 2; f = (i < 2688) ? 0 : 1 + int((i - 2688) / 336)
      name = sprintf("%s/part-%06d.csv", dir, f)
      if (!(name in seen)) { seen[name] = 1; print header > name }
      print >> name; close(name) }' "$top/data/elec2/electricity.csv"
  for f in $(ls "$work/split" | sort | head -n 21); do mv "$work/split/$f" "$snap/stream/readings/"; done
  for f in $(ls "$work/split" | sort | head -n 28); do mv "$work/split/$f" "$extra/"; done
  rm -rf "$work/split"
  # The snapshot is made where the runs go: the ingest log keeps absolute paths.
  mv "$snap" "$run"
  echo "making the snapshot: the first model on 21 weeks..." >&2
  "$mlops" retrain --project "$run/project" --warehouse "$run/warehouse" --model "$model" \
    --by bench > "$work/snapshot.log" 2>&1
  mv "$run" "$snap"
fi

fresh() {
  rm -rf "$run"
  cp -a "$snap" "$run"
  cp "$extra"/* "$run/stream/readings/"
}

timed_retrain() { # prints the run's seconds
  local s e
  s=$(date +%s%N)
  "$mlops" retrain --project "$run/project" --warehouse "$run/warehouse" --model "$model" \
    --by bench > "$work/$1.log" 2>&1
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}

pids=()
start_streaming() { # the demo's four jobs with its settings, on empty input directories
  local p="$run/project" w="$run/warehouse"
  mkdir -p "$run/idle/online" "$run/idle/requests"
  "$mlops" online-store --project "$p" --warehouse "$w" --input "$run/idle/online" --format jsonl \
    --discovery-interval 200ms --out-of-orderness 0s --checkpoint-interval 1s \
    > "$work/online-store.log" 2>&1 &
  pids+=($!)
  "$mlops" serve --project "$p" --warehouse "$w" --model "$model" --input "$run/idle/requests" \
    --model-poll-interval 1s --discovery-interval 200ms --checkpoint-interval 1s --parallelism 1 \
    > "$work/serve.log" 2>&1 &
  pids+=($!)
  "$mlops" monitor --project "$p" --warehouse "$w" --model "$model" --checkpoint-interval 1s \
    --parallelism 1 --max-out-of-orderness 1209600s > "$work/monitor.log" 2>&1 &
  pids+=($!)
  "$mlops" scheduler --project "$p" --warehouse "$w" --poll-interval 1s \
    > "$work/scheduler.log" 2>&1 &
  pids+=($!)
  # Each has printed what it runs once its configuration is read; then a minute for the jobs to
  # start and settle (MiniCluster, JIT, the first checkpoints).
  local deadline=$((SECONDS + 120)) f
  for f in online-store serve monitor scheduler; do
    until [[ -s "$work/$f.log" ]]; do
      if ((SECONDS > deadline)); then echo "$f did not start; see $work/$f.log" >&2; exit 1; fi
      sleep 1
    done
  done
  sleep 60
}

stop_streaming() {
  local p
  for p in "${pids[@]}"; do
    pkill -TERM -P "$p" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap stop_streaming EXIT

printf "%-6s %12s %22s %7s\n" round "alone (s)" "next to streaming (s)" ratio
for ((r = 1; r <= rounds; r++)); do
  fresh
  alone=$(timed_retrain "alone-$r")
  fresh
  start_streaming
  busy=$(timed_retrain "busy-$r")
  stop_streaming
  awk -v r="$r" -v a="$alone" -v b="$busy" \
    'BEGIN { printf "%-6s %12.1f %22.1f %7.2f\n", r, a / 1000, b / 1000, b / a }'
done
