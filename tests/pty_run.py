#!/usr/bin/python3
"""Runs a command on a real pseudo-terminal and answers its prompts, for sealmail's tests of
what a user sees at the terminal (echo on or off, questions asked twice).

Usage: pty_run.py [--expect TEXT --send LINE]... -- COMMAND ARGS...

For each pair, waits (up to 20 s) until TEXT appeared in the terminal's output since the last
answer, then types LINE and Enter. Prints the whole terminal transcript on stdout and exits
with the command's exit code.
"""
import os
import pty
import select
import sys
import time

args = sys.argv[1:]
steps = []
while args and args[0] != "--":
    if args[0] == "--expect" and args[2] == "--send":
        steps.append((args[1].encode(), args[3].encode()))
        args = args[4:]
    else:
        sys.exit("usage: pty_run.py [--expect TEXT --send LINE]... -- COMMAND ARGS...")
cmd = args[1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

transcript = b""
seen = 0


def read_some(timeout):
    global transcript
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    transcript += data
    return True


alive = True
for expect, send in steps:
    deadline = time.time() + 20
    while alive and expect not in transcript[seen:] and time.time() < deadline:
        alive = read_some(0.2)
    if expect not in transcript[seen:]:
        break
    seen = transcript.index(expect, seen) + len(expect)
    time.sleep(0.1)
    os.write(fd, send + b"\n")
while alive:
    alive = read_some(1.0)
_, status = os.waitpid(pid, 0)
sys.stdout.write(transcript.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status) if status else 0)
