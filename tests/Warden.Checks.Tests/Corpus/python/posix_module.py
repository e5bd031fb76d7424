# expect: py.process-exec
import posix
posix.system('id')
