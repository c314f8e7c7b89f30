#!/usr/bin/python3
"""A real SMTP server for sealmail's tests: aiosmtpd on 127.0.0.1 with STARTTLS and AUTH required.

Usage: smtp_server.py PORT CERT KEY USER PASSWORD OUTDIR [--no-tls]

Every accepted message is written to OUTDIR/N.eml with its envelope in OUTDIR/N.json. The file
OUTDIR/mode (re-read for every message) injects faults:
  ok       accept (250)
  drop     close the connection in the middle of DATA, without an answer
  451      answer 451 (try again later)
  550      answer 550 (refused for good)
  stall    answer nothing for 60 seconds (past the client's timeout)
  every5   accept, but every 5th message gets a fault (drop, 451, stall in turn)
Prints "READY" when listening; exits when stdin closes.
"""
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, outdir = sys.argv[1:7]
use_tls = "--no-tls" not in sys.argv
os.makedirs(outdir, exist_ok=True)
lock = threading.Lock()
state = {"n": 0, "faults": 0}


def mode():
    try:
        with open(os.path.join(outdir, "mode")) as f:
            return f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok"


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            state["n"] += 1
            n = state["n"]
        m = mode()
        if m == "every5":
            if n % 5 == 0:
                state["faults"] += 1
                m = ["drop", "451", "stall"][state["faults"] % 3]
            else:
                m = "ok"
        if m == "drop":
            session.peer and server.transport.abort()
            return "421 4.3.0 dropped"
        if m == "451":
            return "451 4.3.0 try again later"
        if m == "550":
            return "550 5.1.1 mailbox unavailable"
        if m == "stall":
            await asyncio.sleep(60)
            return "451 4.3.0 too late"
        with lock:
            k = len([f for f in os.listdir(outdir) if f.endswith(".eml")]) + 1
            base = os.path.join(outdir, "%06d" % k)
            with open(base + ".json", "w") as f:
                json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
            with open(base + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 OK queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    return AuthResult(success=ok, handled=False)


kwargs = dict(
    hostname="127.0.0.1",
    port=int(port),
    authenticator=authenticator,
    auth_required=True,
    decode_data=False,
    # No size limit: the scale test sends a big attachment.
    data_size_limit=0,
)
if use_tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kwargs.update(tls_context=ctx, require_starttls=True, auth_require_tls=True)
else:
    kwargs.update(auth_require_tls=False)
controller = Controller(Handler(), **kwargs)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
