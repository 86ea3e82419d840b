#!/usr/bin/env bash
# Benchmarks kaohe's commands end to end on seeded synthetic workloads and
# prints a Markdown table for BENCHMARKS.md.
#
#   scripts/bench.sh                 # everything (a few minutes)
#   RUNS=5 SIZES="500 2000" scripts/bench.sh
#
# Workloads (examples/gen.rs, deterministic for a seed): one city file per
# size in SIZES (the 2,000-unit one is "the city set"), and the province set
# of CITIES city files of 2,000 units each. Each is scored RUNS times under
# /usr/bin/time -v (wall time: median; memory: the largest max RSS), and with
# hyperfine too when it is installed. The "floor" (examples/floor.rs) is what
# no implementation can beat: reading every input cell with calamine, and
# deflating the output folder's bytes at the fastest zip level.
#
# Needs /usr/bin/time (and optionally hyperfine), no network at run time:
#   apt-get install -y time hyperfine
#
# One more run per workload with KAOHE_TIMINGS=1 gives the time and peak
# memory of each stage (read, validate, score, the workbook and the
# documents rendered side by side, writing), printed after the table.
#
# With LibreOffice installed (soffice or libreoffice on the PATH, or
# KAOHE_SOFFICE), the city set is also scored PDF_RUNS times with --pdf and
# with --pdf all (thousands of PDFs: minutes), printed as a second table.
# `--previous` on the city set: its own 2,000 units scored as 2024 (--year
# 2024, the ledger then counting for nothing, every unit present) make last
# year's workbook; the city is then scored RUNS times with and RUNS times
# without `--previous`, in turns, and the medians compared (the target: at
# most 10 % more).
#
# With PEER=1 the Python peer (scripts/peer.py: openpyxl + docxtpl, both
# cores, the pipeline a user would write instead) scores the city set too,
# PEER_RUNS times (1), from a venv under target/ that the script makes with
# `pip install openpyxl docxtpl` (the only step that needs the network).
#
# The rules' cost: the city set generated again with `--rules rich` (the same
# units and ledger under items, a gate, graded points, due dates, an evidence
# filter, a 不得评优 veto and a 自评 sheet) and both scored RULES_RUNS times
# in turns, plain, rich, plain, …, so that a loaded machine weighs on both
# alike: medians and ranges of wall and CPU time, the largest max RSS (the
# target: rich within 10 % of plain).
#
# Then the other commands: `kaohe check` on the city set, and `kaohe merge`
# of MERGE (100) score workbooks — MERGE cities generated and scored one at
# a time, only each one's 考核得分表.xlsx kept (≈ 4 MB each) — with the floor
# beside each, in a second table.
#
# Environment: RUNS (3), SEED (1), PER_UNIT (60), SIZES ("500 2000 8000 20000"),
# CITIES (10; 0 leaves the province out), PDF_RUNS (1; 0 leaves --pdf out),
# RULES_RUNS (5; 0 leaves the rich city out),
# MERGE (100; 0 skips merge), MERGE_RUNS (1; a 100-workbook merge takes
# minutes), PEER (0), PEER_RUNS (1), BENCH_DIR (target/bench), OUT_DIR (where
# kaohe writes; default BENCH_DIR — put it on tmpfs, e.g.
# /dev/shm/kaohe-bench, to leave the disk out), KAOHE (the release build by
# default).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SEED=${SEED:-1}
PER_UNIT=${PER_UNIT:-60}
SIZES=${SIZES:-"500 2000 8000 20000"}
CITIES=${CITIES:-10}
PDF_RUNS=${PDF_RUNS:-1}
BENCH_DIR=${BENCH_DIR:-target/bench}
OUT_DIR=${OUT_DIR:-$BENCH_DIR}
MERGE=${MERGE:-100}
MERGE_RUNS=${MERGE_RUNS:-1}
PEER=${PEER:-0}
PEER_RUNS=${PEER_RUNS:-1}
RULES_RUNS=${RULES_RUNS:-5}
PEER_VENV=target/peer-venv
CITY_UNITS=2000

if [[ ! -x /usr/bin/time ]]; then
    echo "bench.sh needs GNU time: apt-get install -y time hyperfine" >&2
    exit 1
fi
HAVE_HYPERFINE=$(command -v hyperfine >/dev/null && echo 1 || echo 0)
if [[ $HAVE_HYPERFINE == 0 ]]; then
    echo "note: hyperfine not installed (apt-get install -y hyperfine); using /usr/bin/time only" >&2
fi

# The binary exactly as shipped first, then the examples (whose dev-only
# rust_xlsxwriter feature must not leak into the measured binary).
echo "building release…" >&2
cargo build --release --quiet --bin kaohe
cargo build --release --quiet --example gen --example floor
KAOHE=${KAOHE:-target/release/kaohe}
GEN=target/release/examples/gen
FLOOR=target/release/examples/floor

if [[ $PEER == 1 && ! -x $PEER_VENV/bin/python ]]; then
    echo "making the peer's venv ($PEER_VENV)…" >&2
    python3 -m venv "$PEER_VENV"
    "$PEER_VENV/bin/pip" install --quiet openpyxl docxtpl
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$BENCH_DIR/logs"
LOGS=$BENCH_DIR/logs

# Seconds from /usr/bin/time -v's "Elapsed (wall clock) time …: h:mm:ss or m:ss".
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}
rss_mb() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}
cpu_seconds() {
    awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s }' "$1"
}
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# generate NAME ARGS…: writes the workload's files into $BENCH_DIR/NAME/;
# sets GEN_SECONDS and LEDGER_ROWS.
generate() {
    local name=$1
    shift
    rm -rf "${BENCH_DIR:?}/$name"
    mkdir -p "$BENCH_DIR/$name"
    /usr/bin/time -f "%e" -o "$LOGS/$name.gen.time" \
        "$GEN" --seed "$SEED" --activities-per-unit "$PER_UNIT" -o "$BENCH_DIR/$name/city.xlsx" "$@" \
        2>"$LOGS/$name.gen.log"
    GEN_SECONDS=$(cat "$LOGS/$name.gen.time")
    LEDGER_ROWS=$(awk '{ n += $(NF - 2) } END { print n }' "$LOGS/$name.gen.log")
}

ROWS=()
STAGES=()
PDF_ROWS=()
PREVIOUS_LINE=""

# measure_previous NAME: the city with and without --previous, in turns;
# sets PREVIOUS_LINE.
measure_previous() {
    local name=$1
    local inputs=("$BENCH_DIR/$name"/*.xlsx)
    local last_year=$BENCH_DIR/previous-$name
    rm -rf "$last_year"
    "$KAOHE" score "${inputs[@]}" --year 2024 -o "$last_year" >/dev/null 2>&1
    local out=$OUT_DIR/out-$name-previous plain=() compared=()
    for run in $(seq "$RUNS"); do
        local log=$LOGS/$name.plain$run.time
        rm -rf "$out"
        /usr/bin/time -v -o "$log" "$KAOHE" score "${inputs[@]}" -o "$out" >/dev/null 2>&1
        plain+=("$(wall_seconds "$log")")
        log=$LOGS/$name.previous$run.time
        rm -rf "$out"
        /usr/bin/time -v -o "$log" "$KAOHE" score "${inputs[@]}" --previous "$last_year/考核得分表.xlsx" \
            -o "$out" >/dev/null 2>"$LOGS/$name.previous$run.err"
        compared+=("$(wall_seconds "$log")")
    done
    rm -rf "$out"
    local without with
    without=$(printf '%s\n' "${plain[@]}" | median)
    with=$(printf '%s\n' "${compared[@]}" | median)
    PREVIOUS_LINE="$name --previous: $with s against $without s without (median of $RUNS each, in turns): $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%+.1f %%", (a - b) / b * 100 }') (target ≤ +10 %)"
}

# spread VALUES…: "median (min–max)".
spread() {
    local sorted
    sorted=$(printf '%s\n' "$@" | sort -g)
    echo "$(printf '%s\n' "$@" | median) ($(head -1 <<<"$sorted")–$(tail -1 <<<"$sorted"))"
}

RULES_ROWS=()
RULES_LINE=""

# measure_rules PLAIN RICH: scores $BENCH_DIR/PLAIN and $BENCH_DIR/RICH
# RULES_RUNS times each, in turns; sets RULES_ROWS and RULES_LINE.
measure_rules() {
    local plain=$1 rich=$2
    local out=$OUT_DIR/out-rules run name log load_start
    local -A walls cpus rss
    load_start=$(cut -d' ' -f1-3 /proc/loadavg)
    for run in $(seq "$RULES_RUNS"); do
        for name in "$plain" "$rich"; do
            log=$LOGS/$name.rules$run.time
            rm -rf "$out"
            /usr/bin/time -v -o "$log" "$KAOHE" score "$BENCH_DIR/$name"/*.xlsx -o "$out" >/dev/null 2>&1
            walls[$name]+="$(wall_seconds "$log") "
            cpus[$name]+="$(cpu_seconds "$log") "
            rss[$name]+="$(rss_mb "$log") "
        done
    done
    rm -rf "$out"
    for name in "$plain" "$rich"; do
        # shellcheck disable=SC2086 # the lists are space-separated numbers
        RULES_ROWS+=("| $name | $(spread ${walls[$name]}) | $(spread ${cpus[$name]}) | $(printf '%s\n' ${rss[$name]} | sort -g | tail -1) |")
    done
    local ratio_wall ratio_cpu
    # shellcheck disable=SC2086
    ratio_wall=$(awk -v a="$(printf '%s\n' ${walls[$rich]} | median)" -v b="$(printf '%s\n' ${walls[$plain]} | median)" 'BEGIN { printf "%+.1f %%", (a - b) / b * 100 }')
    # shellcheck disable=SC2086
    ratio_cpu=$(awk -v a="$(printf '%s\n' ${cpus[$rich]} | median)" -v b="$(printf '%s\n' ${cpus[$plain]} | median)" 'BEGIN { printf "%+.1f %%", (a - b) / b * 100 }')
    RULES_LINE="$rich against $plain ($RULES_RUNS runs each, in turns): wall $ratio_wall, CPU $ratio_cpu (target ≤ +10 %); load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
}

COMMANDS=()

# timed NAME RUNS OUT CMD…: runs CMD RUNS times under /usr/bin/time -v,
# removing the folder OUT before each run; sets WALL (the median, or why it
# failed) and RSS (the largest max RSS in MB, "—" on failure).
timed() {
    local name=$1 runs=$2 out=$3
    shift 3
    local walls=() run log mb
    RSS=0
    for run in $(seq "$runs"); do
        rm -rf "$out"
        log=$LOGS/$name.run$run.time
        if ! /usr/bin/time -v -o "$log" "$@" >"$LOGS/$name.run$run.out" 2>"$LOGS/$name.run$run.err"; then
            WALL="failed (see $LOGS/$name.run$run.err)"
            RSS="—"
            return
        fi
        walls+=("$(wall_seconds "$log")")
        mb=$(rss_mb "$log")
        if ((mb > RSS)); then RSS=$mb; fi
    done
    WALL=$(printf '%s\n' "${walls[@]}" | median)
}

# floor NAME INPUTS… [--output DIR]: the read floor (and the deflate floor
# with --output); sets READ_S and DEFLATE_S.
floor() {
    local name=$1
    shift
    "$FLOOR" "$@" >"$LOGS/$name.floor.log"
    READ_S=$(awk '/^read:/ { print $(NF - 1) }' "$LOGS/$name.floor.log")
    DEFLATE_S="—"
    if grep -q '^deflate:' "$LOGS/$name.floor.log"; then
        DEFLATE_S=$(awk '/^deflate:/ { print $(NF - 1) }' "$LOGS/$name.floor.log")
    fi
}

# measure NAME UNITS TARGET: scores $BENCH_DIR/NAME/*.xlsx RUNS times, runs
# the floor, and appends a table row.
measure() {
    local name=$1 units=$2 target=$3
    local inputs=("$BENCH_DIR/$name"/*.xlsx)
    local out=$OUT_DIR/out-$name
    timed "$name" "$RUNS" "$out" "$KAOHE" score "${inputs[@]}" -o "$out"
    local wall=$WALL rss=$RSS hyper="—"
    if [[ $rss != "—" && $HAVE_HYPERFINE == 1 ]]; then
        hyperfine --style none --warmup 1 --runs "$RUNS" --prepare "rm -rf '$out'" \
            --export-json "$LOGS/$name.hyperfine.json" \
            "$KAOHE score ${inputs[*]} -o '$out'" >"$LOGS/$name.hyperfine.log" 2>&1
        hyper=$(awk -F': ' '/"mean"/ { m = $2 } /"stddev"/ { s = $2 } END { gsub(",", "", m); gsub(",", "", s); printf "%.2f ± %.2f", m, s }' \
            "$LOGS/$name.hyperfine.json")
    fi
    local floor_args=("${inputs[@]}")
    [[ -d $out ]] && floor_args+=(--output "$out")
    floor "$name" "${floor_args[@]}"
    rm -rf "$out"
    KAOHE_TIMINGS=1 "$KAOHE" score "${inputs[@]}" -o "$out" 2>&1 >/dev/null |
        sed -n 's/^timing: *//p' >"$LOGS/$name.stages" || true
    STAGES+=("$name: $(paste -sd ';' "$LOGS/$name.stages" | sed 's/;/; /g')")
    rm -rf "$out"
    local input_mb
    input_mb=$(du -cb "${inputs[@]}" | awk 'END { printf "%.1f", $1 / 1048576 }')
    ROWS+=("| $name | ${#inputs[@]} | $units | $LEDGER_ROWS | $input_mb | $GEN_SECONDS | $READ_S | $DEFLATE_S | $wall | $hyper | $rss | $target |")
}

# command_row WHAT WORKLOAD RUNS FLOOR TARGET: appends the last `timed` as a
# row of the commands table.
command_row() {
    COMMANDS+=("| $1 | $2 | $3 | $WALL | $RSS | $4 | $5 |")
}

# measure_pdf NAME PDF_ARGS…: scores $BENCH_DIR/NAME/*.xlsx PDF_RUNS times
# with PDF_ARGS (--pdf or --pdf all) and appends a row to the PDF table.
measure_pdf() {
    local name=$1
    shift
    local inputs=("$BENCH_DIR/$name"/*.xlsx)
    local out=$OUT_DIR/out-$name-pdf
    local walls=() rss=0 pdfs=0 stages=""
    for run in $(seq "$PDF_RUNS"); do
        rm -rf "$out"
        local log=$LOGS/$name.pdf$*.run$run.time
        log=${log// /}
        if ! KAOHE_TIMINGS=1 /usr/bin/time -v -o "$log" "$KAOHE" score "${inputs[@]}" -o "$out" "$@" \
            >/dev/null 2>"$log.err"; then
            PDF_ROWS+=("| $name | \`$*\` | failed (see $log.err) | | | |")
            return
        fi
        walls+=("$(wall_seconds "$log")")
        local mb
        mb=$(rss_mb "$log")
        if ((mb > rss)); then rss=$mb; fi
        stages=$(sed -n 's/^timing: *pdf \([0-9.]*\)s.*/\1/p' "$log.err")
        pdfs=$(find "$out" -name '*.pdf' | wc -l)
    done
    rm -rf "$out"
    local wall
    wall=$(printf '%s\n' "${walls[@]}" | median)
    PDF_ROWS+=("| $name | \`$*\` | $pdfs | $wall | $stages | $rss |")
}

for size in $SIZES; do
    name=units-$size
    [[ $size == "$CITY_UNITS" ]] && name=city
    echo "workload $name…" >&2
    generate "$name" --units "$size"
    target="—"
    [[ $size == "$CITY_UNITS" ]] && target="≤ 1.2 × floor, ≤ 200 MB"
    measure "$name" "$size" "$target"
    if [[ $size == "$CITY_UNITS" ]] && ((PDF_RUNS > 0)); then
        if [[ -n ${KAOHE_SOFFICE:-} ]] || command -v soffice >/dev/null || command -v libreoffice >/dev/null; then
            echo "workload $name with --pdf, --pdf all…" >&2
            measure_pdf "$name" --pdf
            measure_pdf "$name" --pdf all
        else
            echo "note: LibreOffice not installed; --pdf not measured" >&2
        fi
    fi
    if [[ $size == "$CITY_UNITS" ]]; then
        echo "workload $name with --previous…" >&2
        measure_previous "$name"
    fi
    if [[ $size == "$CITY_UNITS" ]] && ((RULES_RUNS > 0)); then
        echo "workload $name-rich (--rules rich) against $name, in turns…" >&2
        generate "$name-rich" --units "$size" --rules rich
        measure_rules "$name" "$name-rich"
    fi
done
if ((CITIES > 0)); then
    echo "workload province…" >&2
    generate province --units "$CITY_UNITS" --cities "$CITIES"
    measure province "$((CITY_UNITS * CITIES))" "≤ 10 s, ≤ 1 GB"
fi

CITY=$BENCH_DIR/city/city.xlsx
if [[ ! -f $CITY ]]; then
    echo "workload city (for the other commands)…" >&2
    generate city --units "$CITY_UNITS"
fi

echo "check on the city…" >&2
timed city-check "$RUNS" "$OUT_DIR/out-none" "$KAOHE" check "$CITY"
floor city-check "$CITY"
command_row "kaohe check" city "$RUNS" "read $READ_S" "≤ read floor + 0.3 s"

if [[ $PEER == 1 ]]; then
    echo "the Python peer on the city…" >&2
    out=$OUT_DIR/out-peer
    timed peer "$PEER_RUNS" "$out" "$PEER_VENV/bin/python" scripts/peer.py "$CITY" -o "$out"
    command_row "scripts/peer.py (max RSS: its largest process)" city "$PEER_RUNS" "—" "kaohe ≥ 65× faster"
    rm -rf "$out"
fi

if ((MERGE > 0)); then
    # The submitted workbooks: MERGE cities scored one by one, each input
    # removed once scored and only the score workbook kept, so the disk
    # holds one city's outputs at a time.
    echo "workload merge ($MERGE score workbooks)…" >&2
    merge_dir=$BENCH_DIR/merge
    rm -rf "$merge_dir"
    mkdir -p "$merge_dir/in" "$merge_dir/workbooks"
    "$GEN" --seed "$SEED" --activities-per-unit "$PER_UNIT" --units "$CITY_UNITS" --cities "$MERGE" \
        -o "$merge_dir/in/city.xlsx" 2>"$LOGS/merge.gen.log"
    for input in "$merge_dir"/in/*.xlsx; do
        rm -rf "$merge_dir/scored"
        "$KAOHE" score "$input" -o "$merge_dir/scored" >/dev/null 2>>"$LOGS/merge.score.log"
        mv "$merge_dir/scored/考核得分表.xlsx" "$merge_dir/workbooks/$(basename "$input")"
        rm -f "$input"
    done
    rm -rf "$merge_dir/scored" "$merge_dir/in"
    out=$OUT_DIR/out-merge
    workbooks=("$merge_dir"/workbooks/*.xlsx)
    timed merge "$MERGE_RUNS" "$out" "$KAOHE" merge "${workbooks[@]}" -o "$out"
    floor merge "${workbooks[@]}" --output "$out"
    command_row "kaohe merge" "$MERGE score workbooks, $((CITY_UNITS * MERGE)) units" "$MERGE_RUNS" \
        "read $READ_S (every sheet; merge reads fewer) + deflate $DEFLATE_S" "≤ 10 s, ≤ 1 GB"
    rm -rf "$out"
fi

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM; $KAOHE ($("$KAOHE" --version)), tree $(git describe --always --dirty 2>/dev/null || echo unknown); seed $SEED, $PER_UNIT ledger rows per unit, runs: $RUNS."
echo
echo "| workload | files | units | ledger rows | input MB | generate s | read floor s | deflate floor s | kaohe wall s (median) | hyperfine s (mean ± σ) | kaohe max RSS MB | target |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
if [[ -n $PREVIOUS_LINE ]]; then
    echo
    echo "$PREVIOUS_LINE"
fi
if ((${#RULES_ROWS[@]} > 0)); then
    echo
    echo "The rules' cost (\`score\`, median (min–max) of the runs; max RSS the largest):"
    echo
    echo "| workload | wall s | CPU s (user + sys) | max RSS MB |"
    echo "|---|---:|---:|---:|"
    printf '%s\n' "${RULES_ROWS[@]}"
    echo
    echo "$RULES_LINE"
fi
echo
if ((${#PDF_ROWS[@]} > 0)); then
    soffice_version=$("${KAOHE_SOFFICE:-$(command -v soffice || command -v libreoffice)}" --version 2>/dev/null | head -1)
    echo "With --pdf ($soffice_version; runs: $PDF_RUNS; the PDF stage from KAOHE_TIMINGS=1):"
    echo
    echo "| workload | options | PDFs | kaohe wall s (median) | of which PDF s | max RSS MB (kaohe or LibreOffice) |"
    echo "|---|---|---:|---:|---:|---:|"
    printf '%s\n' "${PDF_ROWS[@]}"
    echo
fi
echo "Stages (one run with KAOHE_TIMINGS=1: seconds, peak RSS so far; the two \"in parallel\" lines overlap inside \"render\"):"
echo
printf -- '- %s\n' "${STAGES[@]}"
echo
echo "Other commands (median of the runs; max RSS the largest):"
echo
echo "| command | workload | runs | wall s | max RSS MB | floor s | target |"
echo "|---|---|---:|---:|---:|---|---|"
printf '%s\n' "${COMMANDS[@]}"
echo
echo "Load average at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
