#!/bin/sh
# Generates configure and the Makefile.in from a git checkout.
# Needs autoconf, automake, libtool, pkg-config and autoconf-archive
# (for AX_VALGRIND_CHECK).
set -e
cd "$(dirname "$0")"
autoreconf --force --install --warnings=all,error
