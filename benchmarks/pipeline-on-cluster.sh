#!/usr/bin/env bash
# The same pipeline's wall time on the embedded default and on a local Spark standalone cluster
# (a Master and a Worker started here from the Maven build's Spark jars, as SparkClusterIT does),
# in alternating rounds: embedded, cluster; cluster, embedded; ...
#   benchmarks/pipeline-on-cluster.sh [--project DIR] [--pipeline NAME] [--rounds N] [--keep]
# Defaults: conf/examples/elec2, pipeline retrain, 2 rounds. Each run gets a fresh warehouse. The
# cluster runs pass --spark-master spark://127.0.0.1:<port> --delta jars and the embedded default's
# 8 shuffle partitions (spark-submit's default is 200). Prints each run's time, the medians and
# their ratio, then the runner's overhead per task (the run's wall time minus its tasks' times,
# from the run's state file). Stops the Master and Worker it started (by pid) on exit.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$top/submit/jvm-flags"

project="$top/conf/examples/elec2"
pipeline="retrain"
rounds=2
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --project) project="$(cd "$2" && pwd)"; shift 2 ;;
    --pipeline) pipeline="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --keep) keep="yes"; shift ;;
    *) echo "usage: benchmarks/pipeline-on-cluster.sh [--project DIR] [--pipeline NAME] [--rounds N] [--keep]" >&2; exit 2 ;;
  esac
done

if ! ls "$top"/spark-jobs/target/lakeops-spark-jobs-*.jar >/dev/null 2>&1 \
    || [[ ! -f "$top/spark-jobs/target/spark-home-classpath.txt" \
      || ! -d "$top/spark-jobs/target/spark-parquet" ]]; then
  echo "Building the Spark and Flink jobs..." >&2
  (cd "$top" && mvn -q -B -DskipTests -pl spark-jobs,flink-jobs -am package) >&2
fi

work="$(mktemp -d /tmp/lakeops-pipeline-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "$keep" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

# A Spark home of jars only: Spark's own classpath and the Parquet its release ships.
home="$work/spark-home"
mkdir -p "$home/jars" "$work/logs"
tr ':' '\n' < "$top/spark-jobs/target/spark-home-classpath.txt" | while read -r jar; do
  [[ -n "$jar" ]] && ln -sf "$jar" "$home/jars/"
done
for jar in "$top"/spark-jobs/target/spark-parquet/*.jar; do ln -sf "$jar" "$home/jars/"; done
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$work/logs"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"; ui="$(free_port)"
# shellcheck disable=SC2086
java -Xmx256m $SPARK_JAVA17_FLAGS -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$ui" > "$work/logs/master.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
java -Xmx256m $SPARK_JAVA17_FLAGS -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
  --host 127.0.0.1 --cores "$(nproc)" --memory 4g --webui-port "$(free_port)" \
  --work-dir "$work/spark-work" "spark://127.0.0.1:$port" > "$work/logs/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$ui/json/" 2>/dev/null | grep -q '"aliveworkers" *: *1'; then break; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$ui/json/" | grep -q '"aliveworkers" *: *1' \
  || { echo "the Spark Worker did not register with the Master (logs in $work/logs)" >&2; keep=yes; exit 1; }
echo "cluster: spark://127.0.0.1:$port, a Worker with $(nproc) cores and 4g; load $(cut -d' ' -f1-3 /proc/loadavg)"

# One run: its wall time in seconds, and the sum of its tasks' times from the run's state file.
run() {
  local where="$1" i="$2" wh="$work/wh-$1-$2" args=()
  if [[ "$where" == "cluster" ]]; then
    args=(--spark-master "spark://127.0.0.1:$port" --delta jars
      --spark-conf spark.sql.shuffle.partitions=8 --spark-conf spark.executor.memory=2g)
  fi
  local start end
  start=$(date +%s.%N)
  "$top/submit/mlops" pipeline run --project "$project" --pipeline "$pipeline" --warehouse "$wh" \
    --run-id "bench-$where-$i" "${args[@]}" > "$work/logs/$where-$i.log" 2>&1 \
    || { echo "the $where run $i failed: see $work/logs/$where-$i.log" >&2; keep=yes; exit 1; }
  end=$(date +%s.%N)
  local state
  state="$(find "$wh" -path "*pipeline_runs/bench-$where-$i/*" -name state.json | head -n 1)"
  python3 - "$start" "$end" "$state" "$where" "$i" <<'EOF'
import json, sys
start, end, state, where, i = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
wall = end - start
tasks = json.load(open(state))["tasks"]
busy, n = 0.0, 0
first, last = None, None
for t in tasks.values():
    for a in t.get("attempts", []):
        if a.get("endedAtMillis"):
            busy += (a["endedAtMillis"] - a["startedAtMillis"]) / 1000.0
            n += 1
            first = a["startedAtMillis"] if first is None else min(first, a["startedAtMillis"])
            last = a["endedAtMillis"] if last is None else max(last, a["endedAtMillis"])
span = (last - first) / 1000.0
print(f"{where} {i}: wall {wall:.1f} s, {n} task attempts taking {busy:.1f} s, "
      f"first start to last end {span:.1f} s")
print(f"RESULT {where} {wall:.3f} {busy:.3f} {span:.3f} {n}")
EOF
}

results="$work/results.txt"
: > "$results"
for i in $(seq 1 "$rounds"); do
  if (( i % 2 == 1 )); then order="embedded cluster"; else order="cluster embedded"; fi
  for where in $order; do run "$where" "$i" | tee -a "$results" | grep -v '^RESULT'; done
done
python3 - "$results" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.startswith("RESULT")]
def med(where, k): return statistics.median(float(r[k]) for r in rows if r[1] == where)
e, c = med("embedded", 2), med("cluster", 2)
print(f"pipeline: embedded {e:.1f} s, standalone cluster {c:.1f} s, ratio cluster/embedded {c/e:.2f}"
      f" (median of {len(rows)//2}; load at the end {sys.argv[2]})")
for where in ("embedded", "cluster"):
    n = med(where, 5)
    print(f"{where}: the tasks' own time {med(where, 3):.1f} s (sequential chain), first start to "
          f"last end {med(where, 4):.1f} s, runner overhead between tasks "
          f"{(med(where, 4) - med(where, 3)) / max(n - 1, 1) * 1000:.0f} ms per task")
EOF
