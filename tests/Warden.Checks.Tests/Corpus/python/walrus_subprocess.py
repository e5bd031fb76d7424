# expect: py.process-exec
(sp := __import__('subprocess')).run(['id'])
