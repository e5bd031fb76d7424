# expect: py.process-exec
import os
x = os
run = x.system
run('id')
