#!/usr/bin/python3
"""A pinentry for sealmail's tests: speaks the Assuan protocol gpg-agent uses with pinentry
programs, answers every GETPIN with the passphrase it was given, confirms every question, and
logs each request it gets, one line per command, so a test can count how often the agent had
to ask.

Usage (as gpg-agent's pinentry-program, through a small wrapper script):
    fake_pinentry.py --log FILE --pin PASSPHRASE
"""
import os
import sys

args = sys.argv[1:]
log_path = args[args.index("--log") + 1]
pin = args[args.index("--pin") + 1]


def log(line):
    with open(log_path, "a") as f:
        f.write(line + "\n")


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def escape(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


log("START %d" % os.getpid())
say("OK Pleased to meet you")
repeat = False
for raw in sys.stdin:
    line = raw.rstrip("\n")
    command = line.split(" ", 1)[0].upper()
    if command == "GETPIN":
        log("GETPIN")
        if repeat:
            say("S PIN_REPEATED")
        say("D " + escape(pin))
        say("OK")
    elif command == "SETREPEAT":
        repeat = True
        say("OK")
    elif command == "CONFIRM" or command == "MESSAGE":
        log(command)
        say("OK")
    elif command == "GETINFO":
        what = line.split(" ", 1)[1] if " " in line else ""
        if what == "pid":
            say("D %d" % os.getpid())
        elif what == "version":
            say("D 1.2.1")
        elif what == "flavor":
            say("D tty")
        say("OK")
    elif command == "BYE":
        say("OK closing connection")
        break
    else:
        say("OK")
log("END")
