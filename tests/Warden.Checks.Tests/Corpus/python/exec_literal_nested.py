# expect: py.process-exec
exec("import os; os.system('id')")
