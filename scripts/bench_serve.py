#!/usr/bin/env python3
"""Benchmarks `kaohe serve` through HTTP on loopback, for BENCHMARKS.md.

    scripts/bench_serve.py CITY.xlsx SAMPLE.xlsx [--kaohe target/release/kaohe] [--runs 3] [--jobs 200]

1. Upload to first result on CITY.xlsx (the city set, examples/gen.rs):
   seconds from the start of the upload until the job's status leaves
   validation (the validation result), and until it is done (full
   results), against `kaohe score` on the same file into a new folder.
2. Memory: SAMPLE.xlsx scored as --jobs sequential jobs; the server's RSS
   after the first job and after the last (jobs are kept, as within
   --keep-hours; their folders are on disk, not in memory).
3. Load: --concurrent uploads of SAMPLE.xlsx at once (the queue runs
   --max-jobs 1 of them at a time): how many completed, how many failed,
   whether every one's summary.json is the same bytes, p50/p95 of upload to
   full results, and the server's peak RSS (VmHWM).

Only the standard library; the server listens on 127.0.0.1 on a free
port and is stopped with Ctrl-C (SIGINT) at the end, which removes its
job folders.
"""

import argparse
import concurrent.futures
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BOUNDARY = "kaohe-bench-boundary"


def form(path):
    """A multipart body uploading `path` as an input file."""
    name = os.path.basename(path)
    with open(path, "rb") as handle:
        content = handle.read()
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"inputs\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def upload(base, body):
    """Posts `body`; returns the job's address."""
    request = urllib.request.Request(
        f"{base}/score",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Origin": base},
    )
    try:
        OPENER.open(request)
    except urllib.error.HTTPError as answer:
        if answer.code == 303:
            return answer.headers["Location"]
        raise
    raise RuntimeError("no redirect to the job")


def stage(base, job):
    with urllib.request.urlopen(f"{base}{job}/status") as answer:
        return json.load(answer)["stage"]


def timed_job(base, body):
    """(seconds to the validation result, seconds to the full results)."""
    start = time.monotonic()
    job = upload(base, body)
    validated = None
    while True:
        now = stage(base, job)
        if validated is None and now not in ("queued", "validating"):
            validated = time.monotonic() - start
        if now in ("done", "invalid", "failed"):
            if now != "done":
                raise RuntimeError(f"{job}: {now}")
            return validated, time.monotonic() - start
        time.sleep(0.01)


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        kb = int(re.search(field + r":\s+(\d+)", status.read()).group(1))
    return kb / 1024


def summary_of(base, job):
    with urllib.request.urlopen(f"{base}{job}/files/summary.json") as answer:
        return answer.read()


def loaded_job(base, body):
    """(seconds to the full results, the job's summary.json) of one upload."""
    start = time.monotonic()
    job = upload(base, body)
    while stage(base, job) not in ("done", "invalid", "failed"):
        time.sleep(0.05)
    seconds = time.monotonic() - start
    return seconds, summary_of(base, job)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("city")
    parser.add_argument("sample")
    parser.add_argument("--kaohe", default="target/release/kaohe")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=50)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kaohe-bench-serve-")
    cli = []
    for run in range(args.runs):
        out = os.path.join(scratch, f"cli-{run}")
        start = time.monotonic()
        subprocess.run([args.kaohe, "score", args.city, "-o", out], check=True, stderr=subprocess.DEVNULL)
        cli.append(time.monotonic() - start)

    env = dict(os.environ, TMPDIR=scratch)
    server = subprocess.Popen(
        [args.kaohe, "serve", "--listen", "127.0.0.1:0", "--keep-hours", "24"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        line = server.stdout.readline()
        base = re.search(r"(http://127\.0\.0\.1:\d+)", line).group(1)
        city = form(args.city)
        timings = [timed_job(base, city) for _ in range(args.runs)]
        sample = form(args.sample)
        timed_job(base, sample)
        first = rss_mb(server.pid)
        for _ in range(args.jobs - 1):
            timed_job(base, sample)
        last = rss_mb(server.pid)
        with concurrent.futures.ThreadPoolExecutor(args.concurrent) as pool:
            futures = [pool.submit(loaded_job, base, sample) for _ in range(args.concurrent)]
            outcomes = [future.exception() or future.result() for future in futures]
        peak = rss_mb(server.pid, "VmHWM")
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait()
    left = [name for name in os.listdir(scratch) if name.startswith("kaohe-serve-")]

    validated = statistics.median(t[0] for t in timings)
    full = statistics.median(t[1] for t in timings)
    print(f"| city, `kaohe score` (median of {args.runs}) | {statistics.median(cli):.2f} s |")
    print(f"| city through HTTP: validation result (median of {args.runs}) | {validated:.2f} s |")
    print(f"| city through HTTP: full results (median of {args.runs}) | {full:.2f} s |")
    print(f"| full results − `kaohe score` | {full - statistics.median(cli):+.2f} s |")
    print(f"| server RSS after job 1 → after job {args.jobs} (sample) | {first:.0f} MB → {last:.0f} MB ({last - first:+.1f} MB) |")
    done = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    latencies = sorted(seconds for seconds, _ in done)
    same = len({summary for _, summary in done}) == 1
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(f"| {args.concurrent} concurrent uploads of the sample: completed, failed | {len(done)}, {args.concurrent - len(done)} |")
    print(f"| … every summary.json the same bytes | {'yes' if same else 'no'} |")
    print(f"| … upload to full results p50 / p95 | {p50:.2f} s / {p95:.2f} s |")
    print(f"| server peak RSS (VmHWM, whole run) | {peak:.0f} MB |")
    print(f"| Ctrl-C: exit status, job folders left | {code}, {len(left)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
