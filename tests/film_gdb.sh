# tests/film_gdb.sh: gdb as the oracle of `stacklab film`'s line steps
# (sourced by tests/film.sh and tests/film_browser.sh).
#
#   gdb_steps N PROGRAM [ARGS...] > FILE
#
# Stops PROGRAM at main and steps N-1 times, as `stacklab film` does by
# default, printing one line per stop: "K LINE outermost > ... > innermost"
# (the frames from main down, as the film lists them).  The C library's debug
# information is kept out of gdb's reach, so gdb steps over the library as
# the film does.
gdb_steps() {
    _n=$1
    shift
    _prog=$1
    shift
    _cmd=$(mktemp "${TMPDIR:-/tmp}/stacklab-gdb.XXXXXX") || return 1
    {
        echo "break main"
        echo "run $*"
        echo "bt"
        _i=1
        while [ "$_i" -lt "$_n" ]; do echo "step"; echo "bt"; _i=$((_i + 1)); done
    } >"$_cmd"
    # "#0  factorial (n=2) at factorial.c:16" / "#1  0x... in factorial (n=3) at ...".
    gdb -batch -nx -iex 'set debug-file-directory /nonexistent' -iex 'set debuginfod enabled off' \
        -x "$_cmd" "$_prog" </dev/null 2>&1 | awk '
        /^#[0-9]+ / {
            fn = ($2 ~ /^0x/) ? $4 : $2
            if ($1 == "#0") {
                if (n) print n, line, frames
                n++; frames = fn
                line = $NF; sub(/.*:/, "", line)
            } else {
                frames = fn " > " frames
            }
        }
        END { if (n) print n, line, frames }'
    rm -f "$_cmd"
}
