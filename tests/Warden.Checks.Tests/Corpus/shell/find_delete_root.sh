# expect: sh.rm-root
find / -type f -delete
