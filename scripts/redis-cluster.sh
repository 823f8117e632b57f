#!/usr/bin/env bash
# Starts a local Redis Cluster for trying the sample on it: 3 masters and 3 replicas on
# 127.0.0.1, ports BASE..BASE+5 (BASE defaults to 7100), nothing kept on disk. Stops it too.
#
#   scripts/redis-cluster.sh start     start the six nodes, create the cluster, print the sample's flag
#   scripts/redis-cluster.sh stop      stop the nodes and remove their directory
#   scripts/redis-cluster.sh status    CLUSTER INFO and CLUSTER NODES of the first node
#
# Needs redis-server and redis-cli (Redis 7 or newer for sharded pub/sub) on PATH.
set -euo pipefail

base="${BASE:-7100}"
dir="${TMPDIR:-/tmp}/statesync-redis-cluster-$base"
ports=()
for i in 0 1 2 3 4 5; do
	ports+=("$((base + i))")
done

start() {
	if redis-cli -p "$base" ping >/dev/null 2>&1; then
		echo "something already answers on port $base: '$0 stop' first, or set BASE" >&2
		exit 1
	fi
	mkdir -p "$dir"
	for port in "${ports[@]}"; do
		mkdir -p "$dir/$port"
		redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
			--cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 2000 \
			--save '' --appendonly no --dir "$dir/$port" --logfile "$dir/$port/redis.log" --daemonize yes \
			--pidfile "$dir/$port/redis.pid"
	done
	for port in "${ports[@]}"; do
		for _ in $(seq 50); do
			redis-cli -p "$port" ping >/dev/null 2>&1 && break
			sleep 0.1
		done
	done
	local addresses=()
	for port in "${ports[@]}"; do
		addresses+=("127.0.0.1:$port")
	done
	redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log"
	for _ in $(seq 100); do
		redis-cli -p "$base" cluster info | grep -q 'cluster_state:ok' && break
		sleep 0.1
	done
	local nodes
	nodes="$(IFS=,; echo "${addresses[*]}")"
	echo "Redis Cluster up (logs in $dir). Run the sample on it with:"
	echo "  java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --spring.data.redis.cluster.nodes=$nodes"
}

stop() {
	for port in "${ports[@]}"; do
		if [[ -f "$dir/$port/redis.pid" ]]; then
			kill "$(cat "$dir/$port/redis.pid")" 2>/dev/null || true
		fi
	done
	for port in "${ports[@]}"; do
		for _ in $(seq 50); do
			redis-cli -p "$port" ping >/dev/null 2>&1 || break
			sleep 0.1
		done
	done
	rm -rf "$dir"
	echo "Redis Cluster on ports ${ports[0]}-${ports[5]} stopped"
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) redis-cli -p "$base" cluster info && redis-cli -p "$base" cluster nodes ;;
	*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
