#!/usr/bin/python3
"""A second, independent IMAP client for the tests (Python's imaplib over TLS).

Usage: imap_peer.py PORT CA_FILE USER PASSWORD COMMAND ARGS...
  append FOLDER FILE...   append each file; prints nothing
  list FOLDER             JSON lines: {"uid", "message_id", "seen"} (no flag is changed)
  folders                 JSON list of folder names
  fetch FOLDER UID        the raw message on stdout (BODY.PEEK)
"""
import imaplib
import json
import re
import ssl
import sys

port, ca, user, password, cmd, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=ca))
m.login(user, password)
if cmd == "append":
    for f in args[1:]:
        with open(f, "rb") as fh:
            typ, data = m.append(args[0], None, None, fh.read())
            assert typ == "OK", data
elif cmd == "folders":
    typ, data = m.list()
    names = [re.match(rb'\(.*?\) "." (.*)', d).group(1).decode().strip('"') for d in data]
    print(json.dumps(names))
elif cmd == "list":
    typ, _ = m.select(args[0], readonly=True)
    assert typ == "OK", args[0]
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    for item in data:
        if not isinstance(item, tuple):
            continue
        head, body = item
        uid = int(re.search(rb"UID (\d+)", head).group(1))
        seen = b"\\Seen" in head
        mid = body.decode(errors="replace").split(":", 1)[-1].strip()
        print(json.dumps({"uid": uid, "message_id": mid, "seen": seen}))
elif cmd == "fetch":
    m.select(args[0], readonly=True)
    typ, data = m.uid("FETCH", args[1], "(BODY.PEEK[])")
    sys.stdout.buffer.write(data[0][1])
else:
    sys.exit("unknown command " + cmd)
m.logout()
