# compare.py: gdb's view of the stack against stacklab's, frame by frame.
#
# Run inside gdb (tests/oracle_gdb.sh does it):
#     ORACLE_OUT=FILE ORACLE_NAME=NAME gdb -batch -nx -x compare.py --args FIXTURE SCENARIO FILE
#
# gdb stops at every sl_stack_capture call of the fixture (tests/oracle/
# fixture.c) and records, for each frame above it, what `info frame` says:
# the frame's CFA ("frame at"), where it saved each callee-saved register and
# the return address ("rip at"), its function and file:line, and where its
# code stored the stack-protector canary (found in its disassembly: the
# store of the register loaded from %fs:0x28).  The fixture's last two
# captures (SL_WALK_CFI, then SL_WALK_FP) are in FILE; gdb's frame k+1 is
# stacklab's frame k.  Every disagreement fails unless EXCUSES below names
# it with the reason.  The last line says how much was compared.
import os
import re
import subprocess

import gdb

CALLEE_SAVED = ("rbx", "rbp", "r12", "r13", "r14", "r15")
name = os.environ.get("ORACLE_NAME", "?")
out_file = os.environ["ORACLE_OUT"]

for command in ("set debuginfod enabled off", "set pagination off", "set confirm off", "set width 0",
                "set backtrace past-main on", "set print thread-events off",
                "handle SIGUSR1 nostop noprint pass", "break sl_stack_capture"):
    gdb.execute(command, to_string=True)


def canary_store(frame, pc):
    """Where frame's function stores the canary, from its code up to pc: the
    slot address, or 0 when the function sets none before pc."""
    try:
        text = gdb.execute("disassemble %#x" % pc, to_string=True)
    except gdb.error:
        return 0
    loaded = None
    for line in text.splitlines():
        m = re.match(r"\s*(?:=>)?\s*(0x[0-9a-f]+)\s*<[^>]*>:\s*(.*)", line)
        if not m:
            continue
        at, insn = int(m.group(1), 16), m.group(2)
        if at >= pc:
            break
        m = re.match(r"mov\s+%fs:0x28,(%\w+)", insn)
        if m:
            loaded = m.group(1)
            continue
        if loaded:
            m = re.match(r"mov\s+" + loaded + r",(-?0x[0-9a-f]+)?\((%rsp|%rbp)\)", insn)
            if m:
                disp = int(m.group(1), 16) if m.group(1) else 0
                base = int(frame.read_register(m.group(2)[1:])) & (2**64 - 1)
                return base + disp
    return 0


def elf_name(pc):
    """The ELF symbol covering pc, as gdb's `info symbol` names it, and the
    address it starts at."""
    try:
        text = gdb.execute("info symbol %#x" % pc, to_string=True)
    except gdb.error:
        return "??", 0
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", text)
    if not m:
        return "??", 0
    return m.group(1), pc - int(m.group(2) or 0)


def symbol_address(name):
    """Where gdb's symbol tables put a function's ELF symbol, or 0."""
    try:
        text = gdb.execute("info address %s" % name, to_string=True)
    except gdb.error:
        return 0
    m = re.search(r" at (?:address )?(0x[0-9a-f]+)", text)
    return int(m.group(1), 16) if m else 0


def describe_stack():
    """gdb's frames above sl_stack_capture, one per physical frame: gdb
    shows a function inlined into another as a frame of its own at the same
    pc (an INLINE_FRAME), where a walker sees one frame; its line is the
    innermost inlined one's, its registers the outer frame's."""
    frames = []
    tailcalls = 0
    inner_sal = None
    f = gdb.newest_frame().older()          # above sl_stack_capture
    while f is not None:
        if f.type() == gdb.TAILCALL_FRAME:
            # gdb's frame for a call that ended in a jump: no frame of its
            # own on the stack, so no walker sees it.
            if frames:
                frames[-1]["tailcall_above"] = True
            tailcalls += 1
            f = f.older()
            continue
        if f.type() == gdb.INLINE_FRAME:
            inner_sal = inner_sal or f.find_sal()
            f = f.older()
            continue
        f.select()
        info = gdb.execute("info frame", to_string=True)
        m = re.search(r"frame at (0x[0-9a-f]+)", info)
        cfa = int(m.group(1), 16) if m else 0
        saved = {}
        m = re.search(r"Saved registers:\s*(.*)", info, re.S)
        if m:
            for reg, at in re.findall(r"(\w+) at (0x[0-9a-f]+)", m.group(1)):
                saved[reg] = int(at, 16)
        sal = inner_sal or f.find_sal()
        inner_sal = None
        sigtramp = f.type() == gdb.SIGTRAMP_FRAME
        after_sigtramp = bool(frames) and frames[-1]["sigtramp"]
        pc = f.pc()
        exact = sigtramp or after_sigtramp
        elf, start = elf_name(pc if exact else pc - 1)
        if frames and frames[-1].get("tailcall_above") and "rip" not in frames[-1]["saved"]:
            # Above a tail-call frame gdb lists no "rip at" for the frame
            # below it; the return address it unwound with is this frame's
            # pc, read from the word below the CFA.
            below = frames[-1]
            word = gdb.selected_inferior().read_memory(below["cfa"] - 8, 8)
            if int.from_bytes(bytes(word), "little") == pc:
                below["saved"]["rip"] = below["cfa"] - 8
        frames.append({
            "pc": pc, "cfa": cfa, "saved": saved, "sigtramp": sigtramp,
            "fn": f.name() or "??", "elf": elf, "start": start,
            "file": os.path.basename(sal.symtab.filename) if sal.symtab else "-",
            "line": sal.line if sal.symtab else 0,
            "canary": 0 if sigtramp else canary_store(f, pc if exact else pc - 1),
        })
        f = f.older()
    return {"frames": frames, "tailcalls": tailcalls}


def capturing_cfi():
    """Whether the stop is a capture with SL_WALK_CFI (true when gdb cannot
    read the walker argument)."""
    try:
        return int(gdb.newest_frame().read_var("w")) == 1
    except (gdb.error, ValueError):
        return True


# At each SL_WALK_CFI stop gdb also writes a core file, for eu-stack (below);
# the one of the compared stop is kept.
cores = {}
stops = []
gdb.execute("run", to_string=True)
while gdb.selected_inferior().pid:         # (0 once the program has exited)
    try:
        if capturing_cfi():
            for k in [k for k in cores if k < len(stops) - 1]:
                os.remove(cores.pop(k)[0])
            path = "%s.core%d" % (out_file, len(stops))
            gdb.execute("generate-core-file %s" % path, to_string=True)
            cores[len(stops)] = (path, gdb.selected_thread().ptid[1])
        stops.append(describe_stack())
    except gdb.error:
        break                               # the program has exited
    gdb.execute("continue", to_string=True)

# ---- stacklab's records ----------------------------------------------------

ours = {"cfi": [], "fp": []}
with open(out_file) as fh:
    for line in fh:
        words = line.split()
        if len(words) < 3 or words[0] not in ours or "=" not in words[2]:
            continue
        rec = dict(w.split("=", 1) for w in words[2:])
        ours[words[0]].append(rec)

# ---- comparing -----------------------------------------------------------


def num(s):
    return int(s, 16) if s.startswith("0x") else int(s)


def base_fn(n):
    """A function's name without a symbol version or a clone suffix."""
    return re.sub(r"(@.*|\.(constprop|isra|part|cold)\..*)$", "", n)


# Named disagreements that are not stacklab's errors: (walker, field, test, reason);
# walker "eu" is the CFI walk against eu-stack.
EXCUSES = [
    ("cfi", "file:line",
     lambda us, g: us.endswith(":0") and us.split(":")[0] == g.split(":")[0],
     "the line table gives the call line 0 (clang merged calls from several "
     "lines into one); gdb shows the row before it"),
    ("eu", "file:line",
     lambda us, e: e == "-:0" and name.endswith("/clang"),
     "no .debug_aranges from clang 14: eu-stack finds no compile unit, "
     "stacklab searches the units"),
]

# Per oracle: gdb for both walkers ("cfi", "fp"), eu-stack for the CFI walk ("eu").
counts = {o: {"frames": 0, "compared": 0, "agree": 0, "excused": 0, "failed": 0}
          for o in ("gdb", "eu-stack")}


# What was excused, printed once per excuse: (walker, field, reason) -> cases.
excused = {}


def oracle_of(walker):
    return "eu-stack" if walker == "eu" else "gdb"


def check(walker, k, field, us, theirs):
    oracle = oracle_of(walker)
    count = counts[oracle]
    count["compared"] += 1
    if us == theirs:
        count["agree"] += 1
        return
    for w, fld, test, reason in EXCUSES:
        if w in ("*", walker) and fld == field and test(us, theirs):
            count["excused"] += 1
            seen = excused.setdefault((walker, field, reason), [])
            seen.append("frame %d: stacklab %s, %s %s" % (k, us, oracle, theirs))
            return
    count["failed"] += 1
    print("oracle: FAIL %s %s frame %d %s: stacklab %s, %s %s"
          % (name, walker, k, field, us, oracle, theirs))


def hexs(v):
    return "%#x" % v if v else "0"


def compare(walker, recs, frames):
    for k, us in enumerate(recs):
        if k >= len(frames):
            check(walker, k, "frame count", len(recs), len(frames))
            return
        g = frames[k]
        if num(us["pc"]) != g["pc"]:
            check(walker, k, "pc", us["pc"], hexs(g["pc"]))
            return                          # the rest would be misaligned
        counts["gdb"]["frames"] += 1
        last = k == len(recs) - 1 and walker == "fp"
        if walker == "fp" and (g["saved"].get("rbp") != g["cfa"] - 16 or last):
            # The FP walk pairs each pc with the frame record above it; a frame
            # that keeps none (and the one where the chain ended) is the lesson
            # of SL_WALK_FP, not a disagreement: compare only its pc.
            return
        check(walker, k, "cfa", us["cfa"], hexs(g["cfa"]))
        check(walker, k, "ra", us["ra"], hexs(g["saved"].get("rip", 0)))
        regs = CALLEE_SAVED if walker == "cfi" else ("rbp",)
        for r in regs:
            check(walker, k, r, us.get(r, "0"), hexs(g["saved"].get(r, 0)))
        if walker == "cfi":
            # stacklab names a function by its ELF symbol; gdb by its DWARF
            # name, or (`info symbol`) by the ELF symbol too: either agrees.
            # Two ELF symbols for one function (glibc's aliases) agree when
            # gdb puts stacklab's at the start of gdb's.
            mine = base_fn(us["fn"])
            if mine in (base_fn(g["elf"]), base_fn(g["fn"])) or \
               (g["start"] and symbol_address(mine) == g["start"]):
                theirs = mine
            else:
                theirs = base_fn(g["fn"])
            check(walker, k, "fn", mine, theirs)
            check(walker, k, "file:line", "%s:%s" % (us["file"], us["line"]),
                  "%s:%d" % (g["file"], g["line"]))
            check(walker, k, "canary", us["canary"], hexs(g["canary"]))
    if walker == "cfi" and len(recs) != len(frames):
        check(walker, len(recs), "frame count", len(recs), len(frames))


# ---- eu-stack ------------------------------------------------------------
# elfutils' eu-stack reads the core gdb wrote at the compared SL_WALK_CFI stop
# and unwinds it with libdwfl's own unwinder: a second oracle for each frame's
# pc, whether it is exact (a frame a signal interrupted, and the signal
# trampoline) or a return address (eu-stack's "- 1"), its function and
# file:line.  (Both name file:line through libdw, so for those two it checks
# the frame and the address looked up rather than the line table itself.)


def eu_stack(core, lwp):
    """eu-stack's frames of thread lwp in core, innermost first, or a reason."""
    try:
        run = subprocess.run(["eu-stack", "-a", "-s", "-n", "0", "--core=" + core,
                              "-e", gdb.current_progspace().filename],
                             capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return "eu-stack not found (make deps installs elfutils)"
    except subprocess.TimeoutExpired:
        return "eu-stack took over 60 s"
    frames, thread = [], None
    for line in run.stdout.splitlines():
        m = re.match(r"TID (\d+):", line)
        if m:
            thread = int(m.group(1))
            continue
        if thread != lwp:
            continue
        m = re.match(r"#\d+\s+(0x[0-9a-f]+)\s+(- 1)?\s*(\S*)", line)
        if m:
            frames.append({"pc": int(m.group(1), 16), "exact": not m.group(2),
                           "fn": m.group(3) or "??", "file": "-", "line": 0})
            continue
        m = re.match(r"\s+(\S+?):(\d+)(?::\d+)?$", line)
        if m and frames:
            frames[-1]["file"] = os.path.basename(m.group(1))
            frames[-1]["line"] = int(m.group(2))
    if not frames:
        return "eu-stack showed no frames of thread %d: %s" % (lwp, run.stderr.strip()[:200])
    return frames


def compare_eu(recs, frames):
    """stacklab's CFI walk against eu-stack: its frame k+1 is our frame k
    (its frame 0 is sl_stack_capture, where gdb stopped)."""
    for k, us in enumerate(recs):
        if k + 1 >= len(frames):
            check("eu", k, "frame count", len(recs), len(frames) - 1)
            return
        e = frames[k + 1]
        if num(us["pc"]) != e["pc"]:
            check("eu", k, "pc", us["pc"], hexs(e["pc"]))
            return                          # the rest would be misaligned
        counts["eu-stack"]["frames"] += 1
        exact = (num(us["flags"]) & 0x9) != 0   # SL_FRAME_SIGNAL | SL_FRAME_INTERRUPTED
        check("eu", k, "exact pc", exact, e["exact"])
        check("eu", k, "fn", base_fn(us["fn"]), base_fn(e["fn"]))
        check("eu", k, "file:line", "%s:%s" % (us["file"], us["line"]),
              "%s:%d" % (e["file"], e["line"]))
    if len(recs) != len(frames) - 1:
        check("eu", len(recs), "frame count", len(recs), len(frames) - 1)


if len(stops) < 2 or not ours["cfi"] or not ours["fp"]:
    print("oracle: FAIL %s: %d stops, %d+%d records" % (name, len(stops), len(ours["cfi"]),
                                                        len(ours["fp"])))
    counts["gdb"]["failed"] += 1
else:
    compare("cfi", ours["cfi"], stops[-2]["frames"])
    compare("fp", ours["fp"], stops[-1]["frames"])
    core = cores.get(len(stops) - 2)
    eu = eu_stack(*core) if core else "gdb wrote no core file at the SL_WALK_CFI stop"
    if isinstance(eu, str):
        print("oracle: FAIL %s eu-stack: %s" % (name, eu))
        counts["eu-stack"]["failed"] += 1
    else:
        compare_eu(ours["cfi"], eu)
for (walker, field, reason), cases in excused.items():
    print("oracle: %s %s %s: %d excused (%s), %s%s"
          % (name, walker, field, len(cases), reason, cases[0],
             " and %d more" % (len(cases) - 1) if len(cases) > 1 else ""))
for oracle, count in counts.items():
    print("oracle: %s %s: frames %d, values compared %d, agree %d, excused %d, failed %d; "
          "%s"
          % (name, oracle, count["frames"], count["compared"], count["agree"], count["excused"],
             count["failed"], "gdb's tail-call frames left out %d"
             % (stops[-2]["tailcalls"] if len(stops) >= 2 else 0) if oracle == "gdb" else ""))
