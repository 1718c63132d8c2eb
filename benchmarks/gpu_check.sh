#!/usr/bin/env bash
# The GPU figures, one configuration per command, each under 8 minutes (a lent GPU gives 10
# minutes a command and 15 in all), on the full-size FLUX.1 Kontext architecture with random
# bf16 weights (a step costs the same whatever the weights are; nothing is downloaded):
#
#   benchmarks/gpu_check.sh render    Kontext 1024², 28 steps, bf16, style + one character LoRA:
#                                     s/image and peak GPU memory (one warm-up, 3 timed images)
#   benchmarks/gpu_check.sh compile   the same with torch.compile + LoRA hot-swap, timed after
#                                     the warm-up image (which compiles); recompiles counted
#   benchmarks/gpu_check.sh train     one LoRA training step at 1024² (Kontext I2I, rank 32,
#                                     bf16, gradient checkpointing): s/step and peak memory
#   benchmarks/gpu_check.sh dry-run   no GPU: the full-size configurations on `meta` and the
#                                     GPU code path at toy size on the CPU (any machine)
#
# Each prints one JSON object on stdout (logs on stderr) and stops itself after
# GPU_CHECK_TIMEOUT_S seconds (default 450; SIGKILL 20 s later). PYTHON picks the interpreter (default .venv's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-$root/.venv/bin/python}"
limit="${GPU_CHECK_TIMEOUT_S:-450}"

run() {
  # SIGINT first (Python unwinds, CUDA memory is released), SIGKILL 20 s later.
  timeout --signal=INT --kill-after=20 "$limit" "$python" "$@"
}

case "${1:-}" in
  render)  run benchmarks/kontext_bench.py --device cuda --configs lora --images 3 --steps 28 --size 1024 --json ;;
  compile) run benchmarks/kontext_bench.py --device cuda --configs compile --images 3 --steps 28 --size 1024 --json ;;
  train)   run benchmarks/train_bench.py --device cuda --resolution 1024 --steps 10 --warmup 2 --json ;;
  dry-run)
    run benchmarks/kontext_bench.py --dry-run --json
    run benchmarks/train_bench.py --dry-run --json
    ;;
  *)
    echo "usage: benchmarks/gpu_check.sh render|compile|train|dry-run (one configuration per command)" >&2
    exit 2
    ;;
esac
