#!/usr/bin/python3
"""Scores `sealmail audit` on labelled snippets written by other people (docs/GUIDE.md,
"Finding old leaks").

Usage: outside-eval.py SNIPPETS.jsonl [SEALMAIL]

Each line of SNIPPETS.jsonl is {"text": ..., "secret": true | false | null, "source": ...}:
true when a reader sees a usable secret (password, token, key, PIN, card, SSN, IBAN), false
for a near miss, null when the labeller could not tell (left out of the figures). The labels
are set by hand before the audit first runs on them. Each snippet becomes two mails, one
text/plain and one HTML-only (lines joined with <br>, entities escaped), in a Maildir under a
temporary directory; the audit runs once over it with text recognition off.

Prints recall and false alarms per carrier, then every miss and every false alarm with its
source. The snippets themselves are other people's text: keep them out of this repository.
"""
import email.utils
import html
import json
import os
import subprocess
import sys
import tempfile
from email.message import EmailMessage


def mails(snippets):
    for i, s in enumerate(snippets):
        for carrier in ("text", "html"):
            m = EmailMessage()
            m["From"] = "a@example.org"
            m["To"] = "b@example.org"
            m["Subject"] = "as discussed"
            m["Date"] = email.utils.format_datetime(email.utils.parsedate_to_datetime(
                "Tue, 03 Mar 2026 10:00:00 +0100"))
            m["Message-ID"] = f"<o{i}-{carrier}@outside.example>"
            if carrier == "text":
                m.set_content(s["text"])
            else:
                body = "<br>\n".join(html.escape(l) for l in s["text"].split("\n"))
                m.set_content(f"<html><body><div>{body}</div></body></html>", subtype="html")
            yield i, carrier, m


def main():
    path = sys.argv[1]
    sealmail = sys.argv[2] if len(sys.argv) > 2 else "sealmail"
    snippets = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        md = os.path.join(tmp, "md")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(md, sub))
        labels = {}
        for n, (i, carrier, m) in enumerate(mails(snippets)):
            with open(os.path.join(md, "cur", f"{n:05d}:2,S"), "wb") as f:
                f.write(m.as_bytes())
            labels[m["Message-ID"]] = (i, carrier)
        out = subprocess.run(
            [sealmail, "--home", os.path.join(tmp, "home"), "--json", "audit", "--no-ocr", md],
            capture_output=True, text=True)
    found = {}
    for line in out.stdout.splitlines():
        j = json.loads(line)
        if j.get("type") == "finding":
            found.setdefault(j["message_id"], []).append(f'{j["kind"]} {j["excerpt"]}')
    rows = {}
    misses, alarms = [], []
    for mid, (i, carrier) in labels.items():
        s = snippets[i]
        if s["secret"] is None:
            continue
        r = rows.setdefault(carrier, [0, 0, 0, 0])
        hit = mid in found
        if s["secret"]:
            r[0] += 1
            r[1] += hit
            if not hit:
                misses.append((i, carrier))
        else:
            r[2] += 1
            r[3] += hit
            if hit:
                alarms.append((i, carrier, found[mid]))
    total = [sum(r[k] for r in rows.values()) for k in range(4)]
    print(f"{len(snippets)} snippets, {sum(s['secret'] is None for s in snippets)} left out")
    for name, (p, tp, n, fp) in sorted(rows.items()) + [("all", total)]:
        print(f"{name:5} found {tp}/{p} = {100 * tp / max(p, 1):.1f} %   "
              f"false alarms {fp}/{n} = {100 * fp / max(n, 1):.1f} %")
    for i, carrier in misses:
        print(f"MISS [{carrier}] #{i} {snippets[i].get('source', '')}\n  "
              + snippets[i]["text"].replace("\n", "\n  "))
    for i, carrier, what in alarms:
        print(f"FALSE ALARM [{carrier}] #{i} {snippets[i].get('source', '')}: {what}\n  "
              + snippets[i]["text"].replace("\n", "\n  "))


main()
