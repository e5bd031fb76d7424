# expect: py.introspection
import sys
sys._getframe().f_globals['__builtins__']
