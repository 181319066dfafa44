#!/usr/bin/env bash
# Installs the system libraries WeasyPrint renders letters with (Pango, HarfBuzz, fontconfig and the
# DejaVu fonts the letter layout names), when a fresh machine lacks them. Debian package names.
set -eu
if .venv/bin/python -c "import weasyprint" >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi dejavu; then exit 0; fi
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
echo "Installing Pango and fonts for letter PDFs (WeasyPrint)..."
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core >/dev/null
.venv/bin/python -c "import weasyprint; print('WeasyPrint', weasyprint.__version__)"
