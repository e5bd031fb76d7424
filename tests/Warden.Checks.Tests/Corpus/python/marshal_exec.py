# expect: py.exec-decoded
import marshal
exec(marshal.loads(open('payload.bin', 'rb').read()))
