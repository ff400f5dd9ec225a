#!/bin/bash
# Installs what goinspect needs to build and to run its test suite, on Debian 12 or Ubuntu
# 22.04 and later, as root: a C toolchain, autotools, elfutils (libelf, libdw), libunwind,
# capstone, jansson, zlib, protobuf-c (the pprof export); the static archives `make static`
# links (liblzma, libbz2 and, for elfutils 0.189 and later, libzstd: what libdw and libunwind
# use); dpkg-dev, debhelper and lintian to build and check the Debian package; jq, strace,
# setpriv, clang (libFuzzer), valgrind and chromium (to render the HTML report headless) for
# the tests; and a Go toolchain to build the test programs (goinspect itself never needs Go).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (e.g. sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
pkgs="build-essential autoconf automake libtool pkg-config
	libdw-dev libelf-dev libunwind-dev libcapstone-dev libjansson-dev zlib1g-dev
	libprotobuf-c-dev protobuf-c-compiler chromium
	libdebuginfod-dev debuginfod gccgo
	liblzma-dev libbz2-dev libzstd-dev
	dpkg-dev debhelper lintian man-db
	jq strace util-linux procps gzip curl ca-certificates binutils valgrind"
# clang with libFuzzer for the fuzzing test: the newest the archive has.
for v in 16 15 14; do
	if apt-cache show "clang-$v" "libclang-rt-$v-dev" > /dev/null 2>&1; then
		pkgs="$pkgs clang-$v libclang-rt-$v-dev"
		break
	fi
done
# Go for the test programs: Debian's Go 1.19 when the archive has it, and a default `go`
# when none is on PATH.
if apt-cache show golang-1.19-go > /dev/null 2>&1; then
	pkgs="$pkgs golang-1.19-go"
fi
if ! command -v go > /dev/null 2>&1; then
	pkgs="$pkgs golang-go"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
# More Go releases for the test matrix, through the go command's toolchain download.
"$(dirname "$0")/fetch-toolchains.sh"
echo "install-deps: done"
