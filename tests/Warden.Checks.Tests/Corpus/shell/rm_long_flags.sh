# expect: sh.rm-root
rm --recursive --force /
