# expect: py.module-denied
import ctypes
ctypes.CDLL(None).system(b'id')
