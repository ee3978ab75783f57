#!/usr/bin/env bash
# Start-up benchmark: `dotnet-pprof -top` against `go tool pprof -top`, interleaved, on a small profile
# (examples/cpu.pb.gz), a 300,000-sample and a 1,000,000-sample profile (20,000 functions, stacks up to 40 deep,
# written by bench/Pprof.Bench). Reports the median wall time and user+sys CPU of each, and the ratios.
#
#   bench/startup.sh [SMALL_ROUNDS [LARGE_ROUNDS]]     defaults: 21 rounds on the small profile, 5 on the large ones
#
# What runs, per round and input, one after the other (the order rotates every round):
#   r2r    the tool as shipped: published ReadyToRun for this machine (what `dotnet tool install` installs here)
#   jit    the `dotnet build` output (JIT only; what the tests and the conformance pack run)
#   go     go tool pprof
# and, once per small round, an empty Main published the same way (the runtime host's start-up floor).
# Needs: the .NET SDK, Go (`go version`), GNU time (/usr/bin/time) for the CPU column. Work files: $STARTUP_DIR
# (default /tmp/pprof-startup); the generated profiles are kept there between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
small_rounds=${1:-21}
large_rounds=${2:-5}
work=${STARTUP_DIR:-/tmp/pprof-startup}
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v go >/dev/null || { echo "startup.sh: go is not installed" >&2; exit 2; }
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')

echo "building (rid $rid) ..." >&2
dotnet build src/dotnet-pprof/dotnet-pprof.csproj -c Release -o "$work/jit" >/dev/null
dotnet publish src/dotnet-pprof/dotnet-pprof.csproj -c Release -r "$rid" --self-contained false \
  -p:PublishReadyToRun=true -o "$work/r2r" >/dev/null
mkdir -p "$work/empty"
cat >"$work/empty/empty.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <PublishReadyToRun>true</PublishReadyToRun>
    <InvariantGlobalization>true</InvariantGlobalization>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
</Project>
EOF
echo 'return 0;' >"$work/empty/Program.cs"
dotnet publish "$work/empty/empty.csproj" -c Release -r "$rid" --self-contained false -o "$work/empty/out" >/dev/null

for n in 300000 1000000; do
  if [ ! -s "$work/p$n.pb.gz" ]; then
    echo "generating $n samples ..." >&2
    dotnet run -c Release --project bench/Pprof.Bench -- generate "$work/p$n.pb.gz" "$n" 20000 40 >&2
  fi
done

declare -A inputs=([small]=examples/cpu.pb.gz [300k]="$work/p300000.pb.gz" [1M]="$work/p1000000.pb.gz")
declare -A cmds=([r2r]="$work/r2r/dotnet-pprof -top" [jit]="$work/jit/dotnet-pprof -top" [go]="go tool pprof -top")

# Outputs must be identical before any timing counts.
for in in small 300k 1M; do
  for tool in r2r jit go; do ${cmds[$tool]} "${inputs[$in]}" >"$work/out.$in.$tool" 2>/dev/null; done
  cmp -s "$work/out.$in.r2r" "$work/out.$in.go" && cmp -s "$work/out.$in.jit" "$work/out.$in.go" \
    || { echo "startup.sh: output of $in differs from go tool pprof" >&2; exit 1; }
done

# run LABEL CMD...: one timed run, appended to $work/times.LABEL as "wall_ms cpu_ms".
run() {
  local label=$1; shift
  local start end cpu=NA
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$work/t" -f "%U %S" "$@" >/dev/null 2>&1
    cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$work/t")
  else
    "$@" >/dev/null 2>&1
  fi
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $cpu" >>"$work/times.$label"
}

rm -f "$work"/times.*
tools=(r2r jit go)
for in in small 300k 1M; do
  rounds=$small_rounds; [ "$in" = small ] || rounds=$large_rounds
  echo "timing $in: $rounds rounds ..." >&2
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < 3; k++)); do
      tool=${tools[$(( (r + k) % 3 ))]}
      run "$in.$tool" ${cmds[$tool]} "${inputs[$in]}"
    done
    [ "$in" = small ] && run empty "$work/empty/out/empty"
  done
done

# median FILE COLUMN
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }'; }

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
echo
echo "| input | rounds | dotnet-pprof (ReadyToRun) wall / CPU | dotnet-pprof (JIT) wall / CPU | go tool pprof wall / CPU | Go wall ÷ ours (R2R) | ours (R2R) ÷ Go wall |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for in in small 300k 1M; do
  rw=$(median "$work/times.$in.r2r" 1); rc=$(median "$work/times.$in.r2r" 2)
  jw=$(median "$work/times.$in.jit" 1); jc=$(median "$work/times.$in.jit" 2)
  gw=$(median "$work/times.$in.go" 1); gc=$(median "$work/times.$in.go" 2)
  echo "| $in | $(wc -l <"$work/times.$in.go") | $rw ms / $rc ms | $jw ms / $jc ms | $gw ms / $gc ms | $(ratio "$gw" "$rw")× | $(ratio "$rw" "$gw")× |"
done
echo "| empty Main (host floor) | $(wc -l <"$work/times.empty") | $(median "$work/times.empty" 1) ms / $(median "$work/times.empty" 2) ms | | | | |"
