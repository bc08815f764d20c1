"""Python's own multiprocessing.connection on both ends, for the channel bench row.

Starts a Listener on a Unix socket and an echoing child process (a Client). For each line
'SIZE N' on stdin it does N round trips of SIZE-byte messages with the child, then prints
'done'. Ends with stdin.
"""

import multiprocessing
import os
import sys
import tempfile
from multiprocessing.connection import Client, Listener


def echo(address):
    with Client(address) as conn:
        while True:
            try:
                conn.send_bytes(conn.recv_bytes())
            except EOFError:
                return


def main():
    address = os.path.join(tempfile.mkdtemp(prefix='mp-bench-'), 'mp.sock')
    with Listener(address) as listener:
        child = multiprocessing.Process(target=echo, args=(address,))
        child.start()
        with listener.accept() as conn:
            for line in sys.stdin:
                size, n = map(int, line.split())
                message = b'x' * size
                for _ in range(n):
                    conn.send_bytes(message)
                    conn.recv_bytes()
                print('done', flush=True)
        child.join()
    os.rmdir(os.path.dirname(address))


if __name__ == '__main__':
    main()
