#!/usr/bin/env bash
# Install the Debian packages the portal needs outside the virtualenv, only when missing:
#   chromium            browser tests (Playwright drives Debian's build; it never downloads one)
#   libpango-1.0-0,
#   libpangoft2-1.0-0   WeasyPrint (PDF receipts and declarations)
#   gettext             msgfmt for compilemessages
#   make                the entry point of `.ci/run`
#   libgomp1            OpenMP, which LightGBM's wheel links to (the learned risk model)
set -euo pipefail

packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 gettext make libgomp1)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install_system_packages: not a Debian system; make sure these are installed: ${packages[*]}" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

echo "install_system_packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y "${missing[@]}"
