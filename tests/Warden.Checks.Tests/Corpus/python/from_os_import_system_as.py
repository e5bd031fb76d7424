# expect: py.process-exec
from os import system as run_it
run_it('id')
