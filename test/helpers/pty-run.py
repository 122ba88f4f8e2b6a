#!/usr/bin/env python3
# Runs a command in a real pseudo-terminal, as a person at a terminal runs it, for the prompt
# tests: stdin and the controlling terminal (/dev/tty) are the pty; stdout and stderr may be
# redirected to files, as `cmd > out.yaml` does. The script is a list of [expect, send]: wait
# until the terminal shows `expect` (after what the previous step saw), then type `send`.
# Prints JSON: {"code": exit code, "tty": everything the terminal showed}.
import fcntl
import json
import os
import struct
import termios
import pty
import select
import sys
import time

spec = json.loads(sys.argv[1])
deadline = time.time() + spec.get('timeout', 60)

pid, fd = pty.fork()
if pid == 0:
    # The terminal's size, as a window of `cols` columns would set it (0 until set).
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', spec.get('rows', 24), spec.get('cols', 80), 0, 0))
    for name, target in (('stdout', 1), ('stderr', 2)):
        if spec.get(name):
            out = os.open(spec[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, target)
    os.chdir(spec.get('cwd', os.getcwd()))
    os.execve(spec['argv'][0], spec['argv'], spec['env'])

seen = b''


def read_some(wait):
    global seen
    r, _, _ = select.select([fd], [], [], wait)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    seen += data
    return True


pos = 0
alive = True
for expect, send in spec.get('script', []):
    want = expect.encode()
    while alive and want not in seen[pos:]:
        if time.time() > deadline:
            print(json.dumps({'code': -1, 'tty': seen.decode('utf8', 'replace'), 'timeout': expect}))
            os.kill(pid, 9)
            sys.exit(0)
        alive = read_some(0.2)
    pos = seen.index(want, pos) + len(want) if want in seen[pos:] else len(seen)
    time.sleep(0.05)
    os.write(fd, send.encode())

# Then everything until the command exits and the terminal closes (EIO on the master side).
while alive and time.time() < deadline:
    alive = read_some(0.5)
if alive:
    os.kill(pid, 9)
    print(json.dumps({'code': -1, 'tty': seen.decode('utf8', 'replace'), 'timeout': 'exit'}))
    sys.exit(0)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'tty': seen.decode('utf8', 'replace')}))
