#!/usr/bin/python3
"""Writes a Maildir of text-only mail for timing `sealmail audit` (docs/BENCHMARKS.md).

Usage: audit-corpus.py DIR [N]   (N mails, default 10000)

The mails are what a work mailbox holds: short notes and long threads, plain text,
quoted-printable, base64 and HTML-only bodies, multipart/alternative from Gmail and Outlook,
replies quoting earlier mails, signatures and disclaimers; one in a hundred carries a
password. Deterministic: the same N gives the same mailbox.
"""
import base64
import os
import quopri
import random
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rnd = random.Random(20261205)
WORDS = ("the quarterly report budget meeting agenda server deploy release customer invoice "
         "project timeline review draft contract travel schedule update thanks please attached "
         "numbers team office call tomorrow morning afternoon week next last status ticket issue "
         "backup network printer laptop access account login password reset link policy vendor "
         "order shipment delivery payment receipt approval manager holiday training onboarding").split()
SIGS = ["\n-- \nJordan Lee | IT Operations | Contoso Ltd.\nPhone +1 206 555 0147\n",
        "\nBest regards\nM. Keller\n", "\nSent from my iPhone\n",
        "\nThis e-mail may contain confidential information. If you are not the intended recipient, please delete it.\n"]


def sentence():
    w = [rnd.choice(WORDS) for _ in range(rnd.randint(6, 18))]
    return " ".join(w).capitalize() + "."


def body():
    paras = ["\n".join(sentence() for _ in range(rnd.randint(1, 4))) for _ in range(rnd.randint(1, 8))]
    text = "Hi,\n\n" + "\n\n".join(paras) + "\n" + rnd.choice(SIGS)
    if rnd.random() < 0.3:
        quoted = "\n".join("> " + l for l in body_short().splitlines())
        text += "\nOn Mon, 2 Mar 2026, Sam wrote:\n" + quoted + "\n"
    if rnd.random() < 0.01:
        text += "\nPassword: Bench!%04d\n" % rnd.randint(0, 9999)
    return text


def body_short():
    return "\n".join(sentence() for _ in range(rnd.randint(2, 6)))


def html(text):
    return "<div dir=\"ltr\">" + "".join("<div>%s</div>" % (l or "<br>") for l in text.splitlines()) + "</div>"


os.makedirs(os.path.join(out, "cur"), exist_ok=True)
os.makedirs(os.path.join(out, "new"), exist_ok=True)
os.makedirs(os.path.join(out, "tmp"), exist_ok=True)
for i in range(n):
    t = body()
    head = ("From: a%d@contoso.com\nTo: b@contoso.com\nSubject: %s\nDate: Tue, 3 Mar 2026 10:%02d:00 +0100\n"
            "Message-ID: <bench%d@contoso.com>\nMIME-Version: 1.0\n" % (i % 50, sentence()[:40], i % 60, i))
    kind = i % 5
    if kind == 0:
        m = head + "Content-Type: text/plain; charset=utf-8\n\n" + t
    elif kind == 1:
        m = head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + quopri.encodestring(t.encode()).decode()
    elif kind == 2:
        m = head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + base64.encodebytes(t.encode()).decode()
    elif kind == 3:
        m = head + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + quopri.encodestring(html(t).encode()).decode()
    else:
        m = (head + "Content-Type: multipart/alternative; boundary=\"b%d\"\n\n--b%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
             "--b%d\nContent-Type: text/html; charset=utf-8\n\n%s\n--b%d--\n") % (i, i, t, i, html(t), i)
    with open(os.path.join(out, "cur", "%06d.bench:2,S" % i), "w") as f:
        f.write(m)
