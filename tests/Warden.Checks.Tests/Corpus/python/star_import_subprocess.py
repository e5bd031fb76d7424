# expect: py.process-exec
from subprocess import *
call(['id'])
