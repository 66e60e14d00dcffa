#!/bin/sh
# Screenshots of the real nanovlm-chat, light and dark, for a look at the UI.
#
# Launches the app under Xvfb with the tiny "main" parity checkpoint and runs a scripted exchange
# (nanovlm-chat --ask/--attach/--screenshot, see ScriptedRun.qml): two pictures (and a text file
# posing as one, refused in the composer) with a question, then a follow-up. --step-delay slows
# the tiny model so that each stage stays on screen. Saves, per theme,
# OUT/THEME-{welcome,composer,progress,streaming,done,settings,picker,sidebar-hidden,
# sidebar-shown,focus-send}.png (and THEME-estimate.png when encoding is slow enough to estimate). The model picker lists
# a throwaway Hugging Face cache holding the fixture checkpoint and two broken copies.
#
# usage: tests/tools/screenshot.sh [BUILD_DIR [OUT_DIR]]
#        defaults: build/release and BUILD_DIR/screenshots
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
out=${2:-$build/screenshots}
app=$build/app/nanovlm-chat
fixtures=$root/tests/fixtures

[ -x "$app" ] || { echo "screenshot.sh: no $app; build first" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshot.sh: needs xvfb-run (apt install xvfb)" >&2; exit 1; }
mkdir -p "$out"
# This run's settings and chats live in throwaway folders, never in the user's ~/.config or
# ~/.local/share. Two earlier chats are asked first, so that the sidebar lists a few.
config=$(mktemp -d)
chats=$(mktemp -d)
trap 'rm -rf "$config" "$chats"' EXIT
for question in "What colour is the square in the corner?" "Count the birds on the wire"; do
    XDG_CONFIG_HOME=$config timeout 60 xvfb-run -a -s "-screen 0 1280x900x24" "$app" \
        --model "$fixtures/parity/main/ckpt" \
        --tokenizer "$fixtures/tokenizer/tokenizer.json" --chats "$chats" \
        --attach "$fixtures/parity/main/64x64/image.png" --ask "$question" \
        --max-new-tokens 8 >/dev/null 2>&1
done

# A Hugging Face cache as huggingface_hub lays it out: snapshots linking to ../../blobs.
hub=$config/hub
snapshot() { # repo-folder rev file source
    mkdir -p "$hub/$1/blobs" "$hub/$1/snapshots/$2" "$hub/$1/refs"
    blob=$(sha256sum "$4" | cut -d' ' -f1)
    cp "$4" "$hub/$1/blobs/$blob"
    ln -sf "../../blobs/$blob" "$hub/$1/snapshots/$2/$3"
    printf '%s' "$2" > "$hub/$1/refs/main"
}
rev=0123456789abcdef0123456789abcdef01234567
snapshot models--HuggingFaceTB--SmolLM2-360M-Instruct "$rev" tokenizer.json "$fixtures/tokenizer/tokenizer.json"
snapshot models--lusxvr--nanoVLM-230M-8k "$rev" config.json "$fixtures/parity/main/ckpt/config.json"
snapshot models--lusxvr--nanoVLM-230M-8k "$rev" model.safetensors "$fixtures/parity/main/ckpt/model.safetensors"
head -c 900000 "$fixtures/parity/main/ckpt/model.safetensors" > "$config/truncated.safetensors"
snapshot models--lusxvr--nanoVLM-460M-8k "$rev" config.json "$fixtures/parity/main/ckpt/config.json"
snapshot models--lusxvr--nanoVLM-460M-8k "$rev" model.safetensors "$config/truncated.safetensors"
snapshot models--lusxvr--nanoVLM-222M "$rev" config.json "$fixtures/parity/v0.1/ckpt/config.json"
# A folder added in the picker earlier (it holds the v0.2 fixture as ckpt/).
mkdir -p "$config/nanovlm"
printf '[models]\nfolders=%s\n' "$fixtures/parity/v0.2" > "$config/nanovlm/nanovlm-chat.conf"

for theme in light dark; do
    rm -f "$out/$theme"-*.png
    XDG_CONFIG_HOME=$config HF_HUB_CACHE=$hub timeout 120 xvfb-run -a -s "-screen 0 1280x900x24" "$app" \
        --model "$fixtures/parity/main/ckpt" \
        --tokenizer "$fixtures/tokenizer/tokenizer.json" \
        --theme "$theme" --chats "$chats" \
        --attach "$fixtures/parity/main/300x200/image.png" \
        --attach "$fixtures/parity/main/64x64/image.png" \
        --attach "$fixtures/bad_images/not_an_image.png" \
        --ask "What is in this picture?" \
        --ask "Describe the colours." \
        --max-new-tokens 40 --step-delay 30 \
        --screenshot "$out/$theme"
    for stage in welcome composer progress streaming done settings picker sidebar-hidden \
                 sidebar-shown focus-send; do
        [ -s "$out/$theme-$stage.png" ] || { echo "screenshot.sh: $theme-$stage.png missing" >&2; exit 1; }
    done
done
echo "screenshots in $out"
