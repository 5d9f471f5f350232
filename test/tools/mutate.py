#!/usr/bin/env python3
"""make mutate: small, behaviour-changing edits made to the sources one at a
time, each judged by the fast suites (pg_regress, pgTAP, the isolation
specs) on a private copy of the PostgreSQL installation per worker.

A mutant is caught when a suite fails (or the build of a C mutant fails at
run time: a crash, a hang); it survives when every suite passes.  A mutant
that does not build, or whose install script does not load, is stillborn and
not counted.  Survivors listed in test/tools/mutation_equivalent.txt are
equivalent (the edit cannot change behaviour, with the reason why); every
other survivor is a test missing.

The operators are fixed (OPERATORS below) and the files are those of the
areas the target covers (AREAS), so two runs on the same sources make the
same mutants.  scripts/mutate.sh prepares the workers and calls this.
"""

import argparse
import datetime
import os
import queue
import re
import subprocess
import sys
import threading
import time

# The areas the target covers and their files.
AREAS = {
    "kept state": [
        "src/kept_row.c", "src/kept_statement.c", "src/kept_trigger.c", "src/kept_tokens.c",
        "src/kept_times.c", "src/time_moments.c", "src/kept_stripes.h", "src/kept_tokens.h",
        "src/kept_times.h", "sql/src/kept_functions.sql", "sql/src/kept_repair.sql",
        "sql/src/kept_trigger.sql",
    ],
    "token verification": ["src/events_token.c", "sql/src/apps_tokens.sql", "sql/src/events.sql"],
    "state machine": ["src/push_status.c", "src/writes_rules.c", "sql/src/push_status.sql",
                      "sql/src/writes_status.sql"],
    "listing": ["src/listing_request.c", "src/listing_query.c", "src/listing_api.c"],
    "retention": ["sql/src/retention.sql"],
}

# name: what it does (the reviewed list; the code below applies exactly these)
OPERATORS = {
    "c_eq": "C: == and != swapped",
    "c_boundary": "C: < and <=, > and >= swapped",
    "c_logic": "C: && and || swapped",
    "c_not": "C: a negation dropped",
    "c_if": "C: an if's condition negated (its branches swapped)",
    "c_const": "C: an integer constant off by one",
    "c_bool": "C: true and false swapped",
    "sql_cmp": "SQL: = and <>, < and <=, > and >= swapped",
    "sql_null": "SQL: IS NULL and IS NOT NULL, IS DISTINCT FROM and IS NOT DISTINCT FROM swapped",
    "sql_drop_term": "SQL: an AND term of a condition dropped",
    "sql_drop_app_scope": "SQL: an AND term naming app_id dropped (the app's scope)",
    "sql_if": "SQL: an IF's condition negated",
}

# Lines never mutated: messages, assertions (which the suites run with
# assertions on, so they would only fail loudly) and declarations.
C_SKIP = re.compile(r"^\s*#\s*include|Assert\(|errmsg|errdetail|errhint|errcontext|elog\(|PG_FUNCTION_INFO_V1|StaticAssert")


# SQL lines never mutated: messages, and the options of a definition
# (CREATE OPERATOR, TYPE, AGGREGATE, a function's SET), which are no
# comparisons.
SQL_SKIP = re.compile(r"RAISE|COMMENT ON|errcode|ERRCODE|HINT|DETAIL|NEGATOR|COMMUTATOR|RESTRICT|LEFTARG|RIGHTARG"
                      r"|PROCEDURE =|FUNCTION =|ALIGNMENT|INTERNALLENGTH|STORAGE|SFUNC|STYPE|FINALFUNC|COMBINEFUNC"
                      r"|SERIALFUNC|DESERIALFUNC|PARALLEL =|INPUT =|OUTPUT =|RECEIVE =|SEND =|CATEGORY|search_path")


def c_segments(text):
    """Per line of a C file, its (kind, start, end) segments: code, string, comment."""
    lines = text.split("\n")
    out = []
    in_comment = False
    for line in lines:
        segs = []
        i = 0
        start = 0
        kind = "comment" if in_comment else "code"
        n = len(line)
        while i < n:
            if kind == "comment":
                j = line.find("*/", i)
                if j < 0:
                    i = n
                    break
                segs.append(("comment", start, j + 2))
                i = start = j + 2
                kind = "code"
                in_comment = False
                continue
            c = line[i]
            if line.startswith("/*", i):
                if i > start:
                    segs.append(("code", start, i))
                start = i
                kind = "comment"
                in_comment = True
                i += 2
                continue
            if line.startswith("//", i):
                break
            if c == '"' or c == "'":
                if i > start:
                    segs.append(("code", start, i))
                j = i + 1
                while j < n and line[j] != c:
                    j += 2 if line[j] == "\\" else 1
                segs.append(("string" if c == '"' else "char", i + 1, min(j, n)))
                i = start = j + 1
                continue
            i += 1
        if kind == "comment":
            segs.append(("comment", start, n))
        elif start < n:
            # a // comment ends the line's code
            end = line.find("//", start)
            segs.append(("code", start, n if end < 0 else end))
        out.append(segs)
    return lines, out


def sql_segments(text):
    """Per line of an SQL file, its segments: code (dollar-quoted bodies too), string, comment."""
    lines = text.split("\n")
    out = []
    for line in lines:
        segs = []
        i = start = 0
        n = len(line)
        while i < n:
            if line.startswith("--", i):
                break
            if line[i] == "'":
                if i > start:
                    segs.append(("code", start, i))
                j = i + 1
                while j < n:
                    if line[j] == "'" and j + 1 < n and line[j + 1] == "'":
                        j += 2
                        continue
                    if line[j] == "'":
                        break
                    j += 1
                i = start = j + 1
                continue
            i += 1
        end = line.find("--", start)
        if start < n:
            segs.append(("code", start, n if end < 0 or _in_string(line, end) else end))
        out.append(segs)
    return lines, out


def _in_string(line, pos):
    return line.count("'", 0, pos) % 2 == 1


SQL_CMP = [(" = ", " <> "), (" <> ", " = "), (" < ", " <= "), (" <= ", " < "), (" > ", " >= "), (" >= ", " > "),
           ("pg_catalog.=)", "pg_catalog.<>)"), ("pg_catalog.<>)", "pg_catalog.=)"),
           ("pg_catalog.<)", "pg_catalog.<=)"), ("pg_catalog.<=)", "pg_catalog.<)"),
           ("pg_catalog.>)", "pg_catalog.>=)"), ("pg_catalog.>=)", "pg_catalog.>)")]
SQL_NULL = [("IS NULL", "IS NOT NULL"), ("IS NOT NULL", "IS NULL"),
            ("IS DISTINCT FROM", "IS NOT DISTINCT FROM"), ("IS NOT DISTINCT FROM", "IS DISTINCT FROM")]


def sql_mutants(seg):
    """(start, end, replacement, operator) within one SQL segment's text."""
    found = []
    for old, new in SQL_CMP:
        for m in re.finditer(re.escape(old), seg):
            found.append((m.start(), m.end(), new, "sql_cmp"))
    for old, new in SQL_NULL:
        for m in re.finditer(r"\b" + re.escape(old) + r"\b", seg):
            # IS NULL inside IS NOT NULL is not a match of its own
            if old == "IS NULL" and seg[max(0, m.start() - 4):m.start()] == "NOT ":
                continue
            found.append((m.start(), m.end(), new, "sql_null"))
    for m in re.finditer(r" AND ", seg):
        depth = 0
        end = len(seg)
        for t in re.finditer(r"\(|\)| AND | OR | THEN\b| ORDER BY| GROUP BY| RETURNING| LIMIT|;", seg[m.end():]):
            tok = t.group(0)
            if tok == "(":
                depth += 1
                continue
            if tok == ")" and depth > 0:
                depth -= 1
                continue
            if depth == 0:
                end = m.end() + t.start()
                break
        term = seg[m.start():end]
        if "BETWEEN" in seg[max(0, m.start() - 40):m.start()]:
            continue
        found.append((m.start(), end, "", "sql_drop_app_scope" if "app_id" in term else "sql_drop_term"))
    m = re.match(r"(\s*)(IF|ELSIF) (.*) THEN\s*$", seg)
    if m:
        found.append((m.start(3), m.end(3), "NOT (" + m.group(3) + ")", "sql_if"))
    return found


C_OPS = [
    (re.compile(r"=="), "!=", "c_eq"),
    (re.compile(r"!="), "==", "c_eq"),
    (re.compile(r"(?<![<>=!-])<=(?!=)"), "<", "c_boundary"),
    (re.compile(r"(?<![<>=!-])>=(?!=)"), ">", "c_boundary"),
    (re.compile(r"(?<![<>-])<(?![<=])"), "<=", "c_boundary"),
    (re.compile(r"(?<![<>-])>(?![>=])"), ">=", "c_boundary"),
    (re.compile(r"&&"), "||", "c_logic"),
    (re.compile(r"\|\|"), "&&", "c_logic"),
    (re.compile(r"!(?!=)"), "", "c_not"),
    (re.compile(r"\btrue\b"), "false", "c_bool"),
    (re.compile(r"\bfalse\b"), "true", "c_bool"),
]


def c_mutants(seg):
    found = []
    for rx, new, op in C_OPS:
        for m in rx.finditer(seg):
            found.append((m.start(), m.end(), new, op))
    for m in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", seg):
        found.append((m.start(), m.end(), str(int(m.group(1)) + 1), "c_const"))
    m = re.search(r"\bif \(", seg)
    if m:
        depth = 0
        for j in range(m.end() - 1, len(seg)):
            if seg[j] == "(":
                depth += 1
            elif seg[j] == ")":
                depth -= 1
                if depth == 0:
                    found.append((m.end(), j, "!(" + seg[m.end():j] + ")", "c_if"))
                    break
    return found


def make_mutants(root, files):
    mutants = []
    for path in files:
        text = open(os.path.join(root, path)).read()
        is_c = path.endswith((".c", ".h"))
        lines, segments = (c_segments if is_c else sql_segments)(text)
        for no, (line, segs) in enumerate(zip(lines, segments), start=1):
            if is_c and C_SKIP.search(line):
                continue
            if not is_c and SQL_SKIP.search(line):
                continue
            for kind, a, b in segs:
                seg = line[a:b]
                if is_c and kind == "code":
                    found = c_mutants(seg)
                elif (is_c and kind == "string") or (not is_c and kind == "code"):
                    found = sql_mutants(seg)
                else:
                    continue
                for s, e, new, op in found:
                    mutated = line[:a + s] + new + line[a + e:]
                    if mutated != line:
                        mutants.append({"file": path, "line": no, "op": op, "original": line, "mutated": mutated})
    return mutants


def load_equivalents(path):
    eq = []
    if not os.path.exists(path):
        return eq
    for raw in open(path):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.rstrip("\n").split(" | ")
        if len(parts) != 4:
            sys.exit("%s: each entry is FILE | OPERATOR | MUTATED LINE (stripped) | REASON: %s" % (path, raw))
        eq.append({"file": parts[0], "op": parts[1], "mutated": parts[2], "reason": parts[3]})
    return eq


def equivalent_reason(m, equivalents):
    for e in equivalents:
        # FILE:LINE where the mutated text alone is not unique in the file
        where = "%s:%d" % (m["file"], m["line"]) if ":" in e["file"] else m["file"]
        if e["file"] == where and e["op"] == m["op"] and e["mutated"] == m["mutated"].strip():
            return e["reason"]
    return None


class Worker:
    """A source tree, a PostgreSQL installation and a cluster of its own."""

    def __init__(self, base, index, env):
        self.dir = os.path.join(base, "w%d" % index)
        self.tree = os.path.join(self.dir, "tree")
        self.pg_bin = os.path.join(self.dir, "usr/lib/postgresql", env["PG"], "bin")
        self.cluster = os.path.join(self.dir, "cluster")
        self.env = dict(env)
        self.env.update({"PATH": self.pg_bin + ":" + env["PATH"], "PGHOST": self.cluster, "PGPORT": "5432",
                         "PGDATABASE": "postgres"})
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def sh(self, cmd, timeout=None, cwd=None):
        try:
            p = subprocess.run(cmd, shell=True, cwd=cwd or self.tree, env=self.env, timeout=timeout,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
            return p.returncode, p.stdout
        except subprocess.TimeoutExpired:
            return None, "timed out"

    def restart(self):
        self.sh(" ".join(self.run_as) + " %s/pg_ctl -D %s/data -m immediate -w restart >/dev/null 2>&1" % (
            self.pg_bin, self.cluster), timeout=120, cwd="/")

    def build(self):
        flags = "-Wall -Wextra -Werror -Wno-unused-parameter -DUSE_ASSERT_CHECKING"
        status, out = self.sh("make -s PG_CONFIG=%s/pg_config PG_CFLAGS='%s' >/dev/null && make -s PG_CONFIG=%s/pg_config install >/dev/null"
                              % (self.pg_bin, flags, self.pg_bin), timeout=600)
        return status == 0

    def loads(self):
        status, _ = self.sh("psql -X -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS mutant_load' -c 'CREATE DATABASE mutant_load'"
                            " && psql -X -q -v ON_ERROR_STOP=1 -d mutant_load -c 'CREATE EXTENSION push_actions'", timeout=120)
        return status == 0

    def judge(self, pgtap_files, timeout):
        """The first suite that fails, or None when all pass."""
        mk = "make -s PG_CONFIG=%s/pg_config installcheck" % self.pg_bin
        status, _ = self.sh(mk + " ISOLATION= TAP_TESTS= >/dev/null 2>&1", timeout=timeout)
        if status != 0:
            return "pg_regress" + (" (timed out)" if status is None else "")
        status, _ = self.sh("psql -X -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS pa_tap' -c 'CREATE DATABASE pa_tap'"
                            " && psql -X -q -v ON_ERROR_STOP=1 -d pa_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION dblink'"
                            " -c 'CREATE EXTENSION push_actions'", timeout=120)
        if status != 0:
            return "pgTAP set-up"
        for f in pgtap_files:
            status, _ = self.sh("pg_prove -d pa_tap %s >/dev/null 2>&1" % f, timeout=timeout)
            if status != 0:
                return os.path.basename(f) + (" (timed out)" if status is None else "")
        status, _ = self.sh(mk + " REGRESS= TAP_TESTS= >/dev/null 2>&1", timeout=timeout)
        if status != 0:
            return "isolation" + (" (timed out)" if status is None else "")
        return None

    def try_mutant(self, m, pgtap_files, timeout):
        path = os.path.join(self.tree, m["file"])
        original = open(path).read()
        lines = original.split("\n")
        assert lines[m["line"] - 1] == m["original"], "the sources changed under the run"
        lines[m["line"] - 1] = m["mutated"]
        try:
            open(path, "w").write("\n".join(lines))
            if not self.build():
                return "stillborn", "does not build"
            if m["file"].startswith("sql/") and not self.loads():
                return "stillborn", "its install script fails"
            by = self.judge(pgtap_files, timeout)
            if by is not None and "timed out" in by:
                self.restart()
            return ("caught", by) if by else ("survived", None)
        finally:
            open(path, "w").write(original)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers-dir", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--areas", default=",".join(AREAS))
    ap.add_argument("--list", action="store_true", help="print the mutants and stop")
    ap.add_argument("--report", default="test/MUTATION.md")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--command", default="make mutate")
    ap.add_argument("--files", help="only these files (a comma list)")
    ap.add_argument("--every", type=int, default=1, help="only every Nth mutant of each file, from its first")
    ap.add_argument("--previous-log", help="a run's output: its caught and stillborn mutants keep their verdicts, "
                    "the others (survivors, after new tests) are judged again")
    args = ap.parse_args()

    root = os.getcwd()
    areas = [a.strip() for a in args.areas.split(",") if a.strip()]
    for a in areas:
        if a not in AREAS:
            sys.exit("no area %r (areas: %s)" % (a, ", ".join(AREAS)))
    mutants = []
    only = set(args.files.split(",")) if args.files else None
    for a in areas:
        for f in AREAS[a]:
            if only is not None and f not in only:
                continue
            for k, m in enumerate(make_mutants(root, [f])):
                if k % args.every == 0:
                    m["area"] = a
                    mutants.append(m)
    equivalents = load_equivalents(os.path.join(root, "test/tools/mutation_equivalent.txt"))
    if args.list:
        for m in mutants:
            print("%s:%d %s: %s" % (m["file"], m["line"], m["op"], m["mutated"].strip()))
        print("%d mutants" % len(mutants))
        return 0

    previous = {}
    if args.previous_log:
        line_rx = re.compile(r"^\[\d+/\d+ +\d+s\] (caught|stillborn) +(\S+):(\d+) (\w+): (.*) \(([^()]*(?: \(timed out\))?)\)$")
        survived_rx = re.compile(r"^\[\d+/\d+ +\d+s\] survived +(\S+):(\d+) (\w+): (.*)$")
        for raw in open(args.previous_log):
            m = line_rx.match(raw.rstrip("\n"))
            if m:
                previous[(m.group(2), int(m.group(3)), m.group(4), m.group(5)[:100])] = (m.group(1), m.group(6))
                continue
            m = survived_rx.match(raw.rstrip("\n"))
            if m:
                previous[(m.group(1), int(m.group(2)), m.group(3), m.group(4)[:100])] = ("survived", None)
    pgtap_files = sorted(os.path.join("test/pgtap", f) for f in os.listdir(os.path.join(root, "test/pgtap")) if f.endswith(".sql"))
    env = dict(os.environ)
    workers = [Worker(args.workers_dir, i, env) for i in range(args.jobs)]
    todo = queue.Queue()
    for i, m in enumerate(mutants):
        todo.put(i)
    lock = threading.Lock()
    started = time.time()
    done = [0]

    def work(w):
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            m = mutants[i]
            known = previous.get((m["file"], m["line"], m["op"], m["mutated"].strip()[:100]))
            if known and known[0] != "survived":
                verdict, by = known[0], (known[1] or "") + " (an earlier pass)"
            elif known and equivalent_reason(m, equivalents):
                # it survived every suite then, and is listed: not judged again
                verdict, by = "survived", None
            else:
                verdict, by = w.try_mutant(m, pgtap_files, args.timeout)
            if verdict == "survived":
                reason = equivalent_reason(m, equivalents)
                if reason:
                    verdict, by = "equivalent", reason
            m["verdict"], m["by"] = verdict, by
            with lock:
                done[0] += 1
                print("[%d/%d %4.0fs] %-10s %s:%d %s: %s%s" % (
                    done[0], len(mutants), time.time() - started, verdict, m["file"], m["line"], m["op"],
                    m["mutated"].strip()[:100], " (%s)" % by if by else ""), flush=True)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the last build is of the sources as they are
    for w in workers:
        w.build()

    write_report(args, root, areas, mutants, equivalents, time.time() - started)
    survivors = [m for m in mutants if m["verdict"] == "survived"]
    counted = [m for m in mutants if m["verdict"] in ("caught", "survived")]
    caught = len(counted) - len(survivors)
    print("%d caught, %d survived, %d equivalent, %d stillborn: %.1f %% of non-equivalent mutants caught" % (
        caught, len(survivors), sum(m["verdict"] == "equivalent" for m in mutants),
        sum(m["verdict"] == "stillborn" for m in mutants), 100.0 * caught / max(1, len(counted))))
    return 0


def write_report(args, root, areas, mutants, equivalents, seconds):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True).stdout.strip() or "(not a git checkout)"
    out = []
    out.append("# Mutation run\n")
    out.append("`%s`, run on %s UTC on the sources of %s (PostgreSQL %s, %d workers, %.0f minutes)%s.\n" % (
        args.command, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), commit, os.environ.get("PG", "15"),
        args.jobs, seconds / 60,
        "" if args.every == 1 else ", every %dth mutant of each file" % args.every))
    out.append("Each mutant is one edit of one line (the operators below), built with warnings as errors and")
    out.append("assertions on, and judged by the fast suites in order (pg_regress, then each pgTAP file, then the")
    out.append("isolation specs), stopping at the first that fails. Stillborn mutants do not build or do not install;")
    out.append("they are not counted. Equivalent ones are listed in `test/tools/mutation_equivalent.txt`, each with why.\n")
    out.append("## Operators\n")
    for name, what in OPERATORS.items():
        out.append("- `%s`: %s" % (name, what))
    out.append("\n## Result by area\n")
    out.append("| area | mutants | caught | survived | equivalent | stillborn | caught of non-equivalent |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    tot = [0, 0, 0, 0, 0]
    for a in areas:
        ms = [m for m in mutants if m["area"] == a]
        c = [sum(m["verdict"] == v for m in ms) for v in ("caught", "survived", "equivalent", "stillborn")]
        tot = [x + y for x, y in zip(tot, [len(ms)] + c)]
        out.append("| %s | %d | %d | %d | %d | %d | %.1f %% |" % (a, len(ms), c[0], c[1], c[2], c[3],
                                                               100.0 * c[0] / max(1, c[0] + c[1])))
    out.append("| **all** | %d | %d | %d | %d | %d | **%.1f %%** |" % (tot[0], tot[1], tot[2], tot[3], tot[4],
                                                                     100.0 * tot[1] / max(1, tot[1] + tot[2])))
    out.append("\nTarget: at least 95 % of non-equivalent mutants caught.\n")
    out.append("## Survivors\n")
    surv = [m for m in mutants if m["verdict"] == "survived"]
    if not surv:
        out.append("None.")
    for m in surv:
        out.append("- `%s:%d` %s: `%s`" % (m["file"], m["line"], m["op"], m["mutated"].strip()))
    out.append("\n## Equivalent\n")
    eqs = [m for m in mutants if m["verdict"] == "equivalent"]
    if not eqs:
        out.append("None.")
    for m in eqs:
        out.append("- `%s:%d` %s: `%s`: %s" % (m["file"], m["line"], m["op"], m["mutated"].strip(), m["by"]))
    out.append("\n## Caught, by the suite that caught them\n")
    by = {}
    for m in mutants:
        if m["verdict"] == "caught":
            key = re.sub(r" \(timed out\)", "", m["by"])
            by[key] = by.get(key, 0) + 1
    for k in sorted(by, key=lambda k: -by[k]):
        out.append("- %s: %d" % (k, by[k]))
    open(os.path.join(root, args.report), "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    sys.exit(main())
