# expect: py.rm-root
import shutil
shutil.rmtree('/')
