#!/usr/bin/env python3
"""scripts/replay_plot.py: plots of a trace replay (make replay).

    replay_plot.py SAMPLES.csv OUTDIR [TITLE]

SAMPLES.csv is what `kvreplay --samples=` writes: one row every N events
with the pages each side held and Linux's unusable free space index per
order (thousandths). Writes OUTDIR/replay_memory.png (pages held over the
trace: kvlab's slab + large kmalloc + page allocations, against what the
trace's bytes_alloc and page events imply for Linux, and the slab pages
Linux itself took during the trace) and OUTDIR/replay_frag.png (the
unusable free space index of kvlab's buddy allocator over the trace).
Without matplotlib it says so and exits 0: the numbers are in replay.txt.
"""
import csv
import os
import sys


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit("replay_plot: %s has no samples" % path)
    return rows


def col(rows, *names):
    return [sum(int(r[n]) for n in names) for r in rows]


def finish(plt, fig, ax, title, path):
    """Label, lay out and save one plot."""
    ax.set_xlabel("trace events")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    samples, outdir = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else os.path.basename(samples)
    rows = load(samples)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        # Debian's python3-matplotlib lives in the system python, which may
        # not be the python3 on PATH (pyenv, a venv).
        system = "/usr/bin/python3"
        if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
            os.execv(system, [system] + sys.argv)
        print("replay_plot: no matplotlib (apt-get install python3-matplotlib); no plots")
        return 0
    ev = col(rows, "event")
    mib = 4096 / (1 << 20)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(ev, [p * mib for p in col(rows, "kv_slab", "kv_large", "kv_pages")],
            label="kvlab: slab + large kmalloc + pages")
    ax.plot(ev, [p * mib for p in col(rows, "linux_objects", "linux_pages")],
            label="Linux: bytes_alloc + pages (what the trace implies)")
    ax.plot(ev, [p * mib for p in col(rows, "kv_slab")], "--",
            label="kvlab: slab pages")
    ax.plot(ev, [p * mib for p in col(rows, "linux_slab")], ":",
            label="Linux: its own slab pages taken during the trace")
    ax.set_ylabel("MiB held")
    out1 = finish(plt, fig, ax, "Memory held over the replay: " + title,
                  os.path.join(outdir, "replay_memory.png"))

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for order in (0, 3, 6, 9, 10):
        ax.plot(ev, [int(r["unusable%d" % order]) / 1000 for r in rows],
                label="order %d" % order)
    ax.set_ylabel("unusable free space index")
    ax.set_ylim(0, 1)
    out2 = finish(plt, fig, ax, "kvlab's external fragmentation over the replay: " + title,
                  os.path.join(outdir, "replay_frag.png"))
    print("replay_plot: wrote %s and %s" % (out1, out2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
