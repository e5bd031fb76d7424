# expect: py.process-exec
import os
print(f"{os.popen('id').read()}")
