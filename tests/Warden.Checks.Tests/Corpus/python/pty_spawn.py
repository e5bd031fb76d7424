# expect: py.process-exec
import pty
pty.spawn('/bin/sh')
