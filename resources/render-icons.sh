#!/bin/sh
# Renders nanovlm-chat.svg to the PNG sizes of the hicolor icon theme, into icons/SIZE.png.
# The PNGs are committed (the build and packaging need no SVG renderer); run this after editing
# the SVG. Needs rsvg-convert (apt install librsvg2-bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/icons"
for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert --width "$size" --height "$size" "$here/nanovlm-chat.svg" -o "$here/icons/$size.png"
done
