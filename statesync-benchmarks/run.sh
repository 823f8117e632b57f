#!/usr/bin/env bash
# Builds the benchmarks, starts a Redis of their own on a free port, runs every scenario
# (each in a JVM of its own), appends to statesync-benchmarks/target/results.jsonl and
# prints the medians of this invocation's runs. Stops what it started, always.
#
#   statesync-benchmarks/run.sh [full|quick] [runs]   every scenario, runs times (default: full 1)
#   statesync-benchmarks/run.sh profile               the statesync propagation targets under JFR
#                                                     (JAVA_OPTS=-Dstatesync.x=y sets reader properties)
#   statesync-benchmarks/run.sh summary               the medians of every full run in results.jsonl
#   SCENARIOS="burst scale" statesync-benchmarks/run.sh quick   only the named scenarios
set -euo pipefail

mode="${1:-full}"
runs="${2:-1}"
module="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$module")"
results="$module/target/results.jsonl"
read -r -a scenarios <<< "${SCENARIOS:-propagation burst fanout scale engine cluster}"
java_opts=(-Xms1g -Xmx4g ${JAVA_OPTS:-})

case "$mode" in
	full | quick | profile | summary) ;;
	*) echo "usage: $0 [full|quick|profile|summary] [runs]" >&2; exit 2 ;;
esac

cd "$root"
./mvnw -B -q -P benchmarks -pl statesync-benchmarks -am package -DskipTests
classpath="$module/target/classes:$(cat "$module/target/classpath.txt")"

if [[ "$mode" == summary ]]; then
	exec java -cp "$classpath" io.github.statesync.benchmarks.report.Summary "--results=$results" --mode=full
fi

workdir="$(mktemp -d)"
redis_pid=""
cleanup() {
	if [[ -n "$redis_pid" ]]; then
		kill "$redis_pid" 2>/dev/null || true
		wait "$redis_pid" 2>/dev/null || true
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=""
for candidate in $(shuf -i 20000-60000 -n 100); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
		port="$candidate"
		break
	fi
done
[[ -n "$port" ]] || { echo "no free port found" >&2; exit 1; }
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
	--logfile "$workdir/redis.log" &
redis_pid=$!
for _ in $(seq 50); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	sleep 0.1
done
redis-cli -p "$port" ping >/dev/null

benchmark() {
	java "${java_opts[@]}" -cp "$classpath" io.github.statesync.benchmarks.BenchmarkMain \
		--redis-host=127.0.0.1 "--redis-port=$port" "--results=$results" "--batch=$batch" "$@"
}

batch="$(date -u +%Y%m%dT%H%M%SZ)-$mode"
if [[ "$mode" == profile ]]; then
	recording="$module/target/statesync-propagation.jfr"
	java_opts+=("-XX:StartFlightRecording=filename=$recording,settings=profile,jdk.ExecutionSample#period=1ms")
	benchmark --mode=full --scenarios=propagation-statesync
	java -cp "$classpath" io.github.statesync.benchmarks.profile.JfrSummary "$recording"
	exit 0
fi

for run in $(seq "$runs"); do
	for scenario in "${scenarios[@]}"; do
		echo "== run $run/$runs: $scenario ($mode)"
		benchmark "--mode=$mode" "--scenarios=$scenario" "--run=$run"
	done
done
java -cp "$classpath" io.github.statesync.benchmarks.report.Summary "--results=$results" "--batch=$batch"
