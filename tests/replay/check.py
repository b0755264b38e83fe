#!/usr/bin/env python3
"""tests/replay/check.py: the trace replay's checks (`make replay-check`).

    check.py KVREPLAY [--kernel KVLAB.ELF] TRACE...

Runs kvreplay (the ASan+UBSan build) on each shipped TRACE with --check:
every event replayed, no unmatched free beyond those the trace itself
holds, nothing that could not be allocated, every checker clean and every
page back in the buddy allocator. Then feeds it bad input, which must end
in a clear message and the documented exit status, never a crash:
garbage text, binary data, hashed pointers, a cut-off compressed file,
enormous sizes and orders, lines cut mid-way, and a trace that does not fit
in the RAM given. With --kernel, the first trace is also replayed in the
kernel (kvreplay --emit, then a QEMU boot with the records as a module,
bench=replay), which must end clean and count the same events, the same
unmatched frees and the same internal fragmentation as the host replay.
Prints each case and ends with `N passed, N failed`.
"""
import gzip
import lzma
import os
import random
import subprocess
import sys
import tempfile

EVENT = ("bash-1 [000] d..1. 1.000000: kmalloc: call_site=f+0x1/0x2 "
         "ptr=ffff888004a1c%03x bytes_req=%d bytes_alloc=%d gfp_flags=GFP_KERNEL")
FREE = "bash-1 [000] d..1. 1.000001: kfree: call_site=f+0x1/0x2 ptr=ffff888004a1c%03x"

results = []


def run(kvreplay, args):
    p = subprocess.run([kvreplay] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def case(name, ok, why=""):
    results.append(ok)
    print("%s %d - %s%s" % ("ok" if ok else "not ok", len(results), name,
                            "" if ok else "  # " + why))
    sys.stdout.flush()


def expect(kvreplay, name, args, rc, needles):
    got_rc, out, err = run(kvreplay, args)
    text = out + err
    missing = [n for n in needles if n not in text]
    bad = got_rc != rc or missing or "Sanitizer" in text or "runtime error" in text
    case(name, not bad, "exit %d (want %d), missing %s; output tail: %s" %
         (got_rc, rc, missing, text[-600:].replace("\n", " | ")))


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


SAME = ("replay: events ", "replay: unmatched ", "replay: internal_frag ", "replay: lines ")


def kernel_replay(kvreplay, kernel, trace):
    here = os.path.dirname(os.path.abspath(__file__))
    kvqemu = os.path.join(here, "..", "..", "scripts", "kvqemu.py")
    with tempfile.TemporaryDirectory() as tmp:
        recs = os.path.join(tmp, "trace.bin")
        rc, host_out, err = run(kvreplay, [trace])
        rc2, _, err2 = run(kvreplay, ["--emit=" + recs, trace])
        if rc or rc2:
            case("kernel replay: host side", False, err + err2)
            return
        p = subprocess.run([sys.executable, kvqemu, "replay", "--kernel", kernel,
                            "--records", recs, "--out", tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        out = p.stdout.decode(errors="replace")
        case("kernel replay of %s ends clean" % os.path.basename(trace),
             p.returncode == 0 and "replay: checkers errors=0" in out,
             "exit %d; tail: %s" % (p.returncode, out[-800:].replace("\n", " | ")))
        host = [l for l in host_out.splitlines() if l.startswith(SAME)]
        guest = [l.strip() for l in out.splitlines() if l.strip().startswith(SAME)]
        case("kernel replay counts what the host replay counts", host == guest and len(host) == 4,
             "host %s / kernel %s" % (host, guest))


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    kvreplay, traces, kernel = argv[1], argv[2:], None
    if traces[:1] == ["--kernel"]:
        kernel, traces = traces[1], traces[2:]
    for t in traces:
        expect(kvreplay, "replay --check %s" % os.path.basename(t),
               ["--check", t], 0, ["replay: check ok", "leaked_pages=0"])
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        words = " ".join(rng.choice(["alpha", "beta:", "12.5:", "x=1", "#"])
                         for _ in range(4000))
        expect(kvreplay, "garbage text: no events, exit 2",
               [write(tmp, "garbage.txt", words)], 2, ["no kmem events"])
        expect(kvreplay, "binary data: no events, exit 2",
               [write(tmp, "binary.bin", bytes(rng.randrange(256) for _ in range(1 << 16)))],
               2, ["no kmem events"])
        hashed = "\n".join(EVENT.replace("ffff888004a1c%03x", "(____ptrval____)") % (64, 64)
                           for _ in range(10))
        expect(kvreplay, "hashed pointers: told to use no_hash_pointers",
               [write(tmp, "hashed.txt", hashed)], 2, ["no_hash_pointers"])
        with lzma.open(traces[0]) as f:
            text = f.read()
        cut = lzma.compress(text)[: len(lzma.compress(text)) // 2]
        expect(kvreplay, "a cut-off .xz replays what it holds, and says so",
               [write(tmp, "cut.trace.xz", cut)], 0, ["decompression failed", "replay: events"])
        expect(kvreplay, "a .gz trace reads as the .xz one",
               ["--check", write(tmp, "t.trace.gz", gzip.compress(text))], 0, ["replay: check ok"])
        odd = "\n".join([
            EVENT % (1, 100, 128),
            EVENT % (2, 4000000000, 4000000000),        # 4 GB: kvlab says no
            EVENT.replace("%d bytes_alloc", "99999999999 bytes_alloc") % (3, 1),
            "x-1 [000] .... 1.000000: mm_page_alloc: page=0 pfn=0x100 order=11 migratetype=0 gfp_flags=GFP_KERNEL",
            "x-1 [000] .... 1.000000: mm_page_alloc: page=0 pfn=0x100 ord",   # cut mid-way
            "x-1 [000] .... 1.000000: sched_switch: prev_comm=a",
            "x-1 [000] .... 1.000000: mm_page_free_batched: page=0 pfn=0x100",
            FREE % 1, FREE % 1, FREE % 7,
        ])
        expect(kvreplay, "odd events are counted, never fatal",
               [write(tmp, "odd.txt", odd)], 0,
               ["could_not_allocate=1", "out_of_range=2", "missing_field=1",
                "unknown_event=1", "other_kmem_event=1", "unmatched kfree=2",
                "leaked_pages=0"])
        big = "\n".join([EVENT.replace("a1c%03x", "%06x000") % (i * 0x400, 4 << 20, 4 << 20)
                          for i in range(1, 41)] +
                         ["x-1 [000] .... 1.0: mm_page_alloc: page=0 pfn=%#x order=10 "
                          "migratetype=0 gfp_flags=GFP_KERNEL" % (0x100000 + i * 1024)
                          for i in range(40)])
        expect(kvreplay, "a trace too big for the RAM: counted, --check fails cleanly",
               ["--check", "--ram=64M", write(tmp, "big.txt", big)], 1,
               ["check failed: could_not_allocate=", "leaked_pages=0"])
        expect(kvreplay, "a bad argument is refused", ["--ram=1K", traces[0]], 2, ["--ram takes"])
        expect(kvreplay, "a missing file is refused", [os.path.join(tmp, "none")], 2,
               ["cannot open"])
    if kernel:
        kernel_replay(kvreplay, kernel, traces[0])
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
