# expect: py.process-exec
def run(cmd, os=__import__('os')):
    return os.system(cmd)
