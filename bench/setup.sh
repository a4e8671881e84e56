#!/bin/sh
# Installs what the benchmarks compare against: LibreOffice Writer headless (the .docx → PDF conversion clerks
# use today) and a Chinese font for it. Debian/Ubuntu only; needs root or sudo. Safe to run again.
set -eu
if command -v soffice >/dev/null 2>&1 && soffice --headless --version >/dev/null 2>&1 \
   && ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 \
   && fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "LibreOffice Writer and a Chinese font are already installed: $(soffice --headless --version)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get here: install LibreOffice (Writer) by hand; the LibreOffice comparison is skipped until then" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "not root and no password-less sudo: run 'sudo sh bench/setup.sh' once" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The "nogui" Writer is the headless converter without the desktop toolkit; fonts-noto-cjk gives it Chinese glyphs.
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk >/dev/null
soffice --headless --version
