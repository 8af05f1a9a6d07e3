#!/usr/bin/env bash
# Installs what Earshot needs from Debian 12's packages, if anything is
# missing. Idempotent and quick when everything is present. Run as root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config          # compiler, build system
  portaudio19-dev                            # live capture
  jackd2 libjack-jackd2-dev                  # live tests: JACK dummy backend, earshot-jackplay
  libfftw3-dev                               # FFTs (single precision: fftw3f)
  libliquid-dev                              # filters
  libzmq3-dev                                # publishing
  libsndfile1-dev                            # recorded audio
  libjansson-dev                             # JSON
  libproj-dev                                # geodesy (WGS84 <-> local plane)
  python3 python3-zmq                        # the Python example subscriber; test helpers
  tmux                                       # the console test reads the screen
  libxml2-utils                              # xmllint: CoT messages against the schema
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root (or: sudo $0)" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
