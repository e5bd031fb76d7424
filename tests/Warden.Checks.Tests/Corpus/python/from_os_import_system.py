# expect: py.process-exec
from os import system
system('id')
