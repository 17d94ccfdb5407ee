# Sourced by bin/run and bin/test: makes .venv with the given requirements, reinstalling only when they change.

die() {
  echo "$*" >&2
  exit 1
}

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local requirements=$1 python stamp
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python) || die "Zones Portal needs Python 3.11 or newer: install Debian's python3 package and run this again."
    if ! "$python" -m venv .venv >/dev/null 2>&1; then
      rm -rf .venv
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's python3-venv, which this machine lacks..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null ||
          die "Could not install python3-venv with apt-get; install it by hand and run this again."
        "$python" -m venv .venv || die "Could not create the virtual environment in .venv."
      else
        die "Could not create a virtual environment: install python3-venv (sudo apt-get install python3-venv) and run this again."
      fi
    fi
  fi
  stamp=".venv/.installed-$(basename "$requirements" .txt)-$(cat requirements*.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing $requirements into .venv ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements" ||
      die "Installing $requirements failed; the messages above say which package."
    rm -f .venv/.installed-"$(basename "$requirements" .txt)"-*
    touch "$stamp"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}
