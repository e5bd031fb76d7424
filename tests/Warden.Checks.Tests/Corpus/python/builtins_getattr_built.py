# expect: py.getattr-dangerous
import builtins
getattr(builtins, 'ex' + 'ec')('import os')
