"""A Python client of channel_server.ts, with nothing but the standard library.

Sends its input to the curio server a paragraph at a time, merges the word counts the server
sends back, and prints the three most common words.
Run: python3 examples/channel_client.py HOST:PORT < some.txt
"""

import collections
import json
import sys
from multiprocessing.connection import Client

host, port = sys.argv[1].rsplit(':', 1)
total = collections.Counter()
with Client((host, int(port)), authkey=b'peekaboo') as conn:
    for paragraph in sys.stdin.read().split('\n\n'):
        conn.send_bytes(paragraph.encode())
        total.update(json.loads(conn.recv_bytes()))
for word, count in total.most_common(3):
    print(word, count)
