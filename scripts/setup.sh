#!/usr/bin/env bash
# Installs everything ringlog needs to build, test and benchmark on Debian 12.
# Idempotent, and quick when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config clang-format
  liburing-dev librocksdb-dev libgflags-dev libgoogle-glog-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  kcat librdkafka-dev python3-kafka python3-confluent-kafka rocksdb-tools
  python3-snappy python3-lz4 python3-zstandard
  nodejs npm gnuplot-nox
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  zookeeper libzookeeper-mt-dev python3-kazoo nlohmann-json3-dev
  libmicrohttpd-dev python3-prometheus-client curl
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  # nodejs may come from another repository that also provides npm.
  if [[ "$pkg" == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# JavaScript clients for the integration tests, pinned by the lock file. node-rdkafka
# compiles its bundled librdkafka (a current one, 2.12) offline against Debian's node
# headers under /usr/include/node; its build is not safe with parallel make jobs.
if [[ -f tests/integration/package-lock.json ]]; then
  if [[ ! -d tests/integration/node_modules ]] ||
     [[ tests/integration/package-lock.json -nt tests/integration/node_modules ]]; then
    (cd tests/integration && npm_config_nodedir=/usr JOBS=1 MAKEFLAGS= \
       npm ci --no-audit --no-fund --loglevel=error)
    touch tests/integration/node_modules
  fi
fi
