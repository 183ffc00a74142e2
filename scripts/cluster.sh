#!/usr/bin/env bash
# A local ringlog cluster in one command: sets up and builds as scripts/run.sh does, starts a
# private ZooKeeper (data and log in ./data/zookeeper) and N brokers with ids 1..N on
# 127.0.0.1:9092.. (data in ./data/broker-<id>, logs in ./data/broker-<id>.log), prints the
# bootstrap string once every broker is registered, and stops everything on Ctrl-C or as
# soon as any of the processes exits.
#   scripts/cluster.sh N [--zookeeper_port=P] [serve flags for every broker...]
# e.g. scripts/cluster.sh 3 --backend=rocksdb --num_partitions=6
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: $0 N [--zookeeper_port=P] [serve flags for every broker...]" >&2
  exit 2
}

[[ $# -ge 1 && "$1" =~ ^[1-9][0-9]*$ ]] || usage
count="$1"
shift
zk_port=""
broker_flags=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --zookeeper_port=*) zk_port="${1#*=}" ;;
    --zookeeper_port) [[ $# -ge 2 ]] || usage; zk_port="$2"; shift ;;
    *) broker_flags+=("$1") ;;
  esac
  shift
done
[[ -z "$zk_port" || "$zk_port" =~ ^[0-9]+$ ]] || usage

listening() {  # port: whether something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if [[ -z "$zk_port" ]]; then
  zk_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
for ((id = 1; id <= count; id++)); do
  if listening $((9091 + id)); then
    echo "cluster: port $((9091 + id)) (broker $id) is in use; stop what listens there" >&2
    exit 1
  fi
done
if listening "$zk_port"; then
  echo "cluster: ZooKeeper port $zk_port is in use" >&2
  exit 1
fi

scripts/setup.sh
scripts/build.sh release

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "cluster: stopping"
  # Brokers first (each closes its ZooKeeper session), then ZooKeeper.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do wait "${pids[i]}" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

zk_dir="$PWD/data/zookeeper"
mkdir -p "$zk_dir"
cat >"$zk_dir/zoo.cfg" <<EOF
tickTime=2000
dataDir=$zk_dir
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
EOF
# Each process in its own session: Ctrl-C reaches this script only, which stops the brokers
# before ZooKeeper.
setsid java -Xmx256m -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar \
  -Dzookeeper.log.dir="$zk_dir" org.apache.zookeeper.server.quorum.QuorumPeerMain \
  "$zk_dir/zoo.cfg" >"$zk_dir/zookeeper.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 150; i++)); do
  answer="$( (exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && echo ruok >&3 && cat <&3) 2>/dev/null || true)"
  [[ "$answer" == imok ]] && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "cluster: ZooKeeper exited; see $zk_dir/zookeeper.log" >&2; exit 1; }
  sleep 0.2
done
[[ "$answer" == imok ]] || { echo "cluster: ZooKeeper did not start; see $zk_dir/zookeeper.log" >&2; exit 1; }
echo "cluster: ZooKeeper on 127.0.0.1:$zk_port (data in $zk_dir)"

bootstrap=""
for ((id = 1; id <= count; id++)); do
  port=$((9091 + id))
  setsid build/ringlog serve --broker_id="$id" --listen="127.0.0.1:$port" \
    --data_dir="data/broker-$id" --zookeeper_connect="127.0.0.1:$zk_port" \
    "${broker_flags[@]}" >"data/broker-$id.log" 2>&1 &
  pids+=($!)
  bootstrap+="${bootstrap:+,}127.0.0.1:$port"
done

# Ready when a broker's metadata lists every broker and a controller.
for ((i = 0; i < 300; i++)); do
  if listing="$(kcat -b "$bootstrap" -L -m 2 2>/dev/null)" &&
     grep -q "^ $count brokers:" <<<"$listing" && grep -q "(controller)" <<<"$listing"; then
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "cluster: a process exited during start-up; see data/*.log" >&2; exit 1; }
  done
  sleep 0.2
done
grep -q "^ $count brokers:" <<<"${listing:-}" ||
  { echo "cluster: the brokers did not all register; see data/broker-*.log" >&2; exit 1; }
echo "cluster: $count brokers, logs in data/broker-<id>.log"
echo "$bootstrap"

set +e
wait -n "${pids[@]}"
echo "cluster: a process exited (code $?); see data/broker-*.log and $zk_dir/zookeeper.log" >&2
exit 1
