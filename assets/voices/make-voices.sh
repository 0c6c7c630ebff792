#!/bin/sh
# Makes the demo's voice clips from phrases.tsv: each phrase is synthesised by espeak-ng
# (the agent and the caller in two voices), then sox resamples it to 8 kHz mono, cuts its
# leading and trailing silence, normalises its peak to -6 dBFS and writes it as raw G.711
# µ-law (<id>.ulaw: 8,000 bytes a second, what the mixer's phones send). The clips are
# committed; run this again only to change the phrases. Debian packages: espeak-ng, sox.
#   sh assets/voices/make-voices.sh
# Listen to a clip: play -t ul -r 8000 -c 1 assets/voices/agent-1.ulaw
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$here/phrases.tsv" | while IFS="$(printf '\t')" read -r id speaker text; do
  [ -n "$id" ] || continue
  case "$speaker" in
    agent) voice='en-us+f3'; speed=160 ;;
    caller) voice='en-gb+m3'; speed=150 ;;
    *) echo "unknown speaker $speaker for $id" >&2; exit 1 ;;
  esac
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/$id.wav" "$text"
  sox "$tmp/$id.wav" -r 8000 -c 1 -e u-law -t ul "$here/$id.ulaw" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -6
  echo "$id.ulaw $(wc -c < "$here/$id.ulaw") bytes"
done
