#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu 22.04). It installs
# the Swift toolchain (Backprop needs Swift 6) and gnuplot-nox. Not run in Backprop's CI (it
# downloads the toolchain from swift.org); check the version against `swift --version` of the
# machine you develop on.
set -euo pipefail
SWIFT_VERSION="${SWIFT_VERSION:-6.1.2}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-11-dev libpython3-dev libsqlite3-0 \
    libstdc++-11-dev libxml2-dev libz3-dev pkg-config tzdata unzip zlib1g-dev curl ca-certificates python3 gnuplot-nox
curl -fsSL "https://download.swift.org/swift-${SWIFT_VERSION}-release/ubuntu2204/swift-${SWIFT_VERSION}-RELEASE/swift-${SWIFT_VERSION}-RELEASE-ubuntu22.04.tar.gz" \
    -o /tmp/swift.tar.gz
mkdir -p /opt/swift
tar -xzf /tmp/swift.tar.gz -C /opt/swift --strip-components=1
export PATH="$PATH:/opt/swift/usr/bin"
swift --version
# Build once now, so each submission only recompiles the homework files.
cd /autograder/source && swift build --product backprop-grade && swift build --product homework-runner
