#!/bin/sh
# Sanitizer and fuzzing builds of the .drv decoder (the Python extension is built by setup.py).
#
#   native/build.sh replay [OUT_DIR]   ASan+UBSan replay driver  -> OUT_DIR/drvdec_replay
#   native/build.sh fuzz   [OUT_DIR]   libFuzzer+ASan+UBSan      -> OUT_DIR/fuzz_drvdec
#   native/build.sh check  [OUT_DIR]   strict warnings with clang and gcc, no output kept
#
# OUT_DIR defaults to native/build (ignored by git). Needs clang with the compiler-rt
# sanitizer and libFuzzer runtimes (Debian: clang, libclang-rt-14-dev).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=${1:-replay}
OUT=${2:-$HERE/build}
CC=${CC:-clang}
WARN="-std=c11 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
SRC=$(ls "$HERE"/src/*.c)
INC="-I$HERE/include -I$HERE/fuzz"
mkdir -p "$OUT"
case "$MODE" in
replay)
    $CC $WARN $SAN -g -O1 $INC $SRC "$HERE/fuzz/drvdec_replay.c" -o "$OUT/drvdec_replay"
    echo "$OUT/drvdec_replay"
    ;;
fuzz)
    $CC $WARN -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 $INC $SRC \
        "$HERE/fuzz/fuzz_drvdec.c" -o "$OUT/fuzz_drvdec"
    echo "$OUT/fuzz_drvdec"
    ;;
check)
    for cc in clang gcc; do
        if command -v $cc >/dev/null 2>&1; then
            for f in $SRC; do
                $cc $WARN -O2 -I"$HERE/include" -c "$f" -o /dev/null
            done
        fi
    done
    echo "warnings clean"
    ;;
*)
    echo "usage: $0 replay|fuzz|check [OUT_DIR]" >&2
    exit 2
    ;;
esac
