# expect: sh.rm-root
cd / && rm -rf *
