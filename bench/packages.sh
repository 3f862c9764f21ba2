# Sourced by the benchmark scripts that need Debian packages.
#
# install_missing NAME PKG...: the packages a script found missing (none: nothing to do)
# are installed when it runs as root; otherwise NAME says what to install and exits 1.
install_missing() {
    local name="$1"
    shift
    [ "$#" -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "$name: please install: $*" >&2
        exit 1
    fi
    echo "$name: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "$@" >&2
}
