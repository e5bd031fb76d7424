# expect: py.process-exec
import os
vars(os)['system']('id')
