#!/usr/bin/env bash
# Installs every Debian 12 package nanovlm-chat needs to build, test and run.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
    build-essential cmake ninja-build pkg-config clang-format \
    qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools \
    qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtqml-models \
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates \
    qml6-module-qtquick-layouts qml6-module-qtquick-dialogs qml6-module-qtquick-window \
    qml6-module-qt-labs-platform qml6-module-qt-labs-folderlistmodel qml6-module-qttest \
    qt6-image-formats-plugins \
    libopenblas-dev nlohmann-json3-dev \
    xvfb xauth imagemagick fonts-dejavu-core \
    dpkg-dev file desktop-file-utils appstream \
    clang libclang-rt-14-dev \
    cmark libcpp-httplib-dev
# The API tests run the OpenAI client on Node.js. A machine that already has Node.js and npm
# (e.g. NodeSource's nodejs, which conflicts with Debian's npm) keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
