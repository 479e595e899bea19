#!/usr/bin/python3
"""Checks an HTML report of nestref (docs/spec/report.md 7) against the TAP
of the same run: the counts, the table, the failed list and the traces
agree with the TAP, and the page fetches nothing.  Given the DOM a browser
dumped (--dom), also that the page's script ran and found the page
consistent, and which rows its filters left visible.

Usage: html-check.py PAGE TAP [--dom] [--visible V,V] [--ref REF] [--change
NAME FIELD FROM TO]... [--text NAME TEXT]...  --visible: only rows of these
verdicts are shown; --ref: only rows citing REF are; --change: in test
NAME's trace, FIELD (or the command's name, "opcode") is marked as changed
from FROM to TO; --text: the trace
of NAME says TEXT.  Prints what is wrong and exits 1, or
exits 0 in silence.
"""
import html.parser
import re
import sys


class Page(html.parser.HTMLParser):
    """The parts of the page the checks read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts = {}
        self.rows = []          # (name, verdict, hidden, references)
        self.failed = []        # names in #failed-list
        self.articles = {}      # name -> its SVG texts, as (attrs, text)
        self.external = []      # what the page would fetch
        self.self_check = None
        self._in_failed = False
        self._article = None
        self._text_attrs = None
        self._text = ""
        self._in_style = False
        self._in_self_check = False
        self.self_check_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("img", "script", "iframe", "audio", "video", "source",
                   "embed", "object") and a.get("src"):
            self.external.append("%s src=%s" % (tag, a["src"]))
        if tag == "link":
            self.external.append("link %s" % a.get("href"))
        href = a.get("href")
        if href is not None and not href.startswith("#"):
            self.external.append("%s href=%s" % (tag, href))
        ident = a.get("id", "")
        if ident.startswith("count-") and "data-count" in a:
            self.counts[ident[6:]] = int(a["data-count"])
        if ident == "self-check":
            self.self_check = a.get("data-ok")
            self._in_self_check = True
        if ident == "failed-list":
            self._in_failed = True
        if tag == "a" and self._in_failed:
            self.failed.append(href[1:] if href else "")
        if tag == "tr" and "test" in a.get("class", "").split():
            self.rows.append((a.get("data-name"), a.get("data-verdict"),
                              "hidden" in a.get("class", "").split(),
                              (a.get("data-refs") or "").split("\n")))
        if tag == "article":
            self._article = a.get("data-name")
            self.articles[self._article] = []
        if tag == "text" and self._article:
            self._text_attrs = a
            self._text = ""
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_failed = False
        if tag == "article":
            self._article = None
        if tag == "text" and self._text_attrs is not None:
            self.articles[self._article].append((self._text_attrs, self._text))
            self._text_attrs = None
        if tag == "style":
            self._in_style = False
        if tag == "p":
            self._in_self_check = False

    def handle_data(self, data):
        if self._text_attrs is not None:
            self._text += data
        if self._in_style and re.search(r"url\(|@import", data):
            self.external.append("style: " + data.strip()[:60])
        if self._in_self_check:
            self.self_check_text += data


def tap_verdicts(path):
    """name -> pass, fail or skip, from the TAP lines of a run."""
    out = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"(not ok|ok) \d+ - (\S+)", line)
        if not m:
            continue
        if m.group(1) == "not ok":
            out[m.group(2)] = "fail"
        elif re.search(r" # SKIP", line):
            out[m.group(2)] = "skip"
        else:
            out[m.group(2)] = "pass"
    return out


def main(argv):
    page_path, tap_path = argv[1], argv[2]
    args = argv[3:]
    dom = False
    visible = None
    ref = None
    changes, texts = [], []
    while args:
        opt = args.pop(0)
        if opt == "--dom":
            dom = True
        elif opt == "--visible":
            visible = set(args.pop(0).split(","))
        elif opt == "--ref":
            ref = args.pop(0)
        elif opt == "--change":
            changes.append(tuple(args[:4]))
            del args[:4]
        elif opt == "--text":
            texts.append(tuple(args[:2]))
            del args[:2]
        else:
            print("html-check.py: unknown option " + opt)
            return 2

    page = Page()
    page.feed(open(page_path, encoding="utf-8").read())
    tap = tap_verdicts(tap_path)
    bad = []

    def want(cond, what):
        if not cond:
            bad.append(what)

    want(not page.external, "the page fetches: %s" % page.external)
    want(tap, "the TAP has no test lines")
    n = {v: sum(1 for x in tap.values() if x == v) for v in ("pass", "fail", "skip")}
    c = page.counts
    want(c.get("tests") == len(tap), "count-tests %s, the TAP has %d" % (c.get("tests"), len(tap)))
    want(c.get("fail") == n["fail"], "count-fail %s, the TAP %d" % (c.get("fail"), n["fail"]))
    want(c.get("skip") == n["skip"], "count-skip %s, the TAP %d" % (c.get("skip"), n["skip"]))
    want(c.get("pass", 0) + c.get("pass-partly", 0) == n["pass"],
         "count-pass + count-pass-partly %s, the TAP %d ok" % (
             c.get("pass", 0) + c.get("pass-partly", 0), n["pass"]))
    rows = {r[0]: r[1] for r in page.rows}
    want(len(page.rows) == len(tap), "%d rows, %d TAP lines" % (len(page.rows), len(tap)))
    for name, verdict in tap.items():
        got = rows.get(name)
        if got is None or (got != verdict and not (verdict == "pass" and got == "pass-partly")):
            bad.append("%s: the TAP says %s, the table %s" % (name, verdict, got))
        if verdict != "skip" and name not in page.articles:
            bad.append("%s ran but has no trace" % name)
    failed_ids = sorted(page.failed)
    tap_failed = sorted("t-" + re.sub(r"[^A-Za-z0-9-]", "_", k)
                        for k, v in tap.items() if v == "fail")
    want(failed_ids == tap_failed, "failed list %s, the TAP's failures %s" % (failed_ids, tap_failed))
    if dom:
        want(page.self_check == "true", "the page's own check: data-ok=%r: %s" % (
            page.self_check, page.self_check_text.strip()))
    if visible is not None:
        for name, verdict, hidden, _ in page.rows:
            if hidden == (verdict in visible):
                bad.append("%s (%s) is %s" % (name, verdict, "hidden" if hidden else "shown"))
    if ref is not None:
        for name, _, hidden, refs in page.rows:
            if hidden == (ref in refs):
                bad.append("%s (references %s) is %s" % (name, refs, "hidden" if hidden else "shown"))
        want(any(ref in r[3] for r in page.rows), "no row has the reference %r" % ref)
    for name, field, frm, to in changes:
        found = [t for a, t in page.articles.get(name, [])
                 if a.get("data-field") == field and a.get("data-from") == frm
                 and "chg" in a.get("class", "").split()]
        # The opcode is the command's name; a field is "name=value".
        want(found == [to if field == "opcode" else "%s=%s" % (field, to)],
             "%s: no %s marked as changed from %s to %s (found %s)" % (name, field, frm, to, found))
    for name, text in texts:
        all_text = " ".join(t for _, t in page.articles.get(name, []))
        want(text in all_text, "%s: its trace does not say %r" % (name, text))
    for line in bad[:40]:
        print(line)
    if len(bad) > 40:
        print("... and %d more" % (len(bad) - 40))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
