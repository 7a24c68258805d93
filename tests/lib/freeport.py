#!/usr/bin/env python3
"""Print free TCP ports on 127.0.0.1, one a line.

Integration tests start real servers on ports nobody else uses.  Asking the
kernel for port 0 on the loopback address gives a port that is free right
now; holding every socket open until all are chosen makes the ports of one
call distinct.  Usage: freeport.py [COUNT]  (COUNT defaults to 1, at most 64).
"""

import socket
import sys


def main(argv):
    """Bind COUNT loopback sockets to port 0 and print the ports they got."""
    count = 1
    if len(argv) > 1:
        try:
            count = int(argv[1], 10)
        except ValueError:
            sys.stderr.write("freeport.py: COUNT must be a number, got %r\n"
                             % argv[1])
            return 2
        if count < 1 or count > 64:
            sys.stderr.write("freeport.py: COUNT must be 1..64, got %d\n"
                             % count)
            return 2
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        for s in socks:
            print(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
