# expect: sh.rm-root
rm -r -f /
