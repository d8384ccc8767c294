#!/usr/bin/env bash
# Real photographs for the local detector's tests (lib/pipeline/backends/local-detector): the sample
# images of Debian's opencv-doc package, installed here at test time, never committed.
# Idempotent: does nothing when they are already there.
set -euo pipefail

if [ -f /usr/share/doc/opencv-doc/examples/data/messi5.jpg ] && [ -f /usr/share/doc/opencv-doc/examples/data/basketball1.png ]; then
  exit 0
fi
echo "test-photos: installing Debian's opencv-doc (sample photographs for the local detector's tests)" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends opencv-doc
else
  sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends opencv-doc
fi
if [ ! -f /usr/share/doc/opencv-doc/examples/data/messi5.jpg ]; then
  echo "test-photos: opencv-doc is installed but its sample images are not (a dpkg path-exclude for /usr/share/doc?)" >&2
  exit 1
fi
