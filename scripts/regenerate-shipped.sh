#!/usr/bin/env bash
# Regenerates the shipped questionnaire (instruments/care-leavers-capabilities.xlsx) and the
# example study's synthetic answers from the code in src/scaffold/. Never edit those files by hand:
# change the code and run this script. A test fails when the committed files drift from the code.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --release -- init "$tmp/study" --synthetic
cp "$tmp/study/instruments/care-leavers-capabilities.xlsx" instruments/
cp "$tmp/study/data/risposte-care-leavers.csv" examples/caring-prato-firenze/data/
echo "regenerated instruments/care-leavers-capabilities.xlsx and examples/caring-prato-firenze/data/risposte-care-leavers.csv"
cp "$tmp/study/instruments/peer-to-peer-codebook.xlsx" instruments/
cp "$tmp/study/data/focus-groups-coding.csv" "$tmp/study/data/focus-groups-documents.csv" examples/caring-prato-firenze/data/
echo "regenerated instruments/peer-to-peer-codebook.xlsx and the example's focus-group files"
